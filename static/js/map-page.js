/* Map page: districts, proposals (clustered, colour and letter per category), offers and
 * public barrier reports (only if their endpoints answer). The proposals are the same page the
 * list below shows (same URL parameters). Markers and clusters are focusable; Enter opens a
 * marker's popup or zooms into a cluster. Settings come from data- attributes (no inline JS). */
(function () {
  "use strict";
  var el = document.getElementById("proposal-map");
  // Colour swatches in the legend (style attributes are not allowed by the CSP, DOM styles are).
  Array.prototype.forEach.call(document.querySelectorAll("[data-colour]"), function (swatch) {
    swatch.style.background = swatch.getAttribute("data-colour");
  });
  if (!el || typeof L === "undefined") { return; }
  var data = el.dataset;
  var center = data.center.split(",").map(Number);
  // The zoom range and bounds of the tiles the server offers (the tile proxy serves no others).
  var minZoom = Number(data.tileMinZoom) || 0, maxZoom = Number(data.tileMaxZoom) || 19;
  var tileBounds = (data.tileBounds || "").split(",").map(Number);
  tileBounds = tileBounds.length === 4 ? [[tileBounds[0], tileBounds[1]], [tileBounds[2], tileBounds[3]]] : undefined;
  var map = L.map(el, { scrollWheelZoom: false, minZoom: minZoom, maxZoom: maxZoom }).setView(center, Number(data.zoom));
  el.quartierMap = map;
  map.attributionControl.setPrefix(false);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { minZoom: minZoom, maxZoom: maxZoom, bounds: tileBounds, attribution: data.tileAttribution }).addTo(map);
  }
  map.attributionControl.addAttribution(data.districtAttribution);

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span.innerHTML;
  }

  function load(url) {
    if (!url) { return Promise.resolve(null); }
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) {
      return r.ok ? r.json() : null;
    }).catch(function () { return null; });
  }

  function onEnter(marker, action) {
    marker.on("keypress", function (e) {
      if (e.originalEvent.key === "Enter" || e.originalEvent.keyCode === 13) { action(); }
    });
  }

  var overlays = {};
  var control = L.control.layers(null, overlays, { collapsed: false }).addTo(map);

  load(data.districtsUrl).then(function (collection) {
    if (!collection) { return; }
    var layer = L.geoJSON(collection, {
      interactive: false,
      style: { color: "#08437e", weight: 1, fillColor: "#6ea8dc", fillOpacity: 0.08 }
    }).addTo(map);
    control.addOverlay(layer, data.labelDistricts);
  });

  var legend = {};
  Array.prototype.forEach.call(document.querySelectorAll(".legend-list [data-category]"), function (s) {
    legend[s.getAttribute("data-category")] = { colour: s.getAttribute("data-colour"), icon: s.textContent.trim() };
  });

  function proposalIcon(p) {
    var box = document.createElement("span");
    box.className = "proposal-marker";
    var category = legend[p.category] || { colour: "#444", icon: "" };
    box.style.background = category.colour;
    box.textContent = category.icon;
    return L.divIcon({ html: box, className: "proposal-marker-wrap", iconSize: [26, 26] });
  }

  var clusters = typeof L.markerClusterGroup === "function"
    ? L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: function (cluster) {
        var n = cluster.getChildCount();
        var box = document.createElement("div");
        var count = document.createElement("span");
        count.textContent = n;
        count.setAttribute("aria-hidden", "true");
        var label = document.createElement("span");
        label.className = "visually-hidden";
        label.textContent = data.labelCluster.replace("__N__", n);
        box.appendChild(count);
        box.appendChild(label);
        var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
        return L.divIcon({ html: box, className: "marker-cluster marker-cluster-" + size, iconSize: [40, 40] });
      }
    })
    : L.layerGroup();
  clusters.on("clusterkeypress", function (e) {
    var key = e.originalEvent && (e.originalEvent.key || e.originalEvent.keyCode);
    if (key === "Enter" || key === 13) { e.layer.zoomToBounds(); }
  });

  var bounds = [];
  load(data.proposalsUrl).then(function (collection) {
    if (!collection) { return; }
    collection.features.forEach(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      var label = p.title;
      var marker = L.marker([c[1], c[0]], { icon: proposalIcon(p), title: label, alt: label, keyboard: true });
      marker.bindPopup(
        '<a href="' + text(p.url) + '">' + text(p.title) + "</a><br>" +
        text(data.labelSupports) + ": " + text(p.supports) + ", " +
        text(data.labelComments) + ": " + text(p.comments)
      );
      onEnter(marker, function () { marker.openPopup(); });
      marker.on("add", function () {
        var icon = marker.getElement();
        if (icon) { icon.setAttribute("aria-label", label); icon.setAttribute("data-proposal", p.id); }
      });
      clusters.addLayer(marker);
      bounds.push([c[1], c[0]]);
    });
    clusters.addTo(map);
    control.addOverlay(clusters, data.labelProposals);
    if (bounds.length) { map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] }); }
    el.setAttribute("data-loaded", String(collection.features.length));
  });

  // Offers and barrier reports: focusable markers with a name (title) and a popup link.
  function pointMarker(c, label, className, url) {
    var box = document.createElement("span");
    box.className = className;
    var marker = L.marker([c[1], c[0]], {
      icon: L.divIcon({ html: box, className: "proposal-marker-wrap", iconSize: [22, 22] }),
      title: label, alt: label, keyboard: true
    }).bindPopup('<a href="' + text(url) + '">' + text(label) + "</a>");
    onEnter(marker, function () { marker.openPopup(); });
    marker.on("add", function () {
      var icon = marker.getElement();
      if (icon) { icon.setAttribute("aria-label", label); }
    });
    return marker;
  }

  load(data.offersUrl).then(function (collection) {
    if (!collection || !collection.features) { return; }
    var layer = L.layerGroup();
    collection.features.forEach(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      var label = data.labelOffer + ": " + p.name + (p.type_label ? " (" + p.type_label + ")" : "");
      layer.addLayer(pointMarker(c, label, "legend-swatch legend-offer", p.url));
    });
    layer.addTo(map);
    control.addOverlay(layer, data.labelOffers);
  });

  // Needs of the district councils: a diamond with "!" (see static/css/needs.css).
  load(data.needsUrl).then(function (collection) {
    if (!collection || !collection.features) { return; }
    var layer = L.layerGroup();
    collection.features.forEach(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      var label = data.labelNeed + ": " + p.title + " (" + p.council_label + ", " +
        data.labelPriority + ": " + p.priority_label + ", " + p.status_label + ")";
      var box = document.createElement("span");
      box.className = "need-marker";
      var sign = document.createElement("span");
      sign.textContent = "!";
      box.appendChild(sign);
      var marker = L.marker([c[1], c[0]], {
        icon: L.divIcon({ html: box, className: "proposal-marker-wrap", iconSize: [22, 22] }),
        title: label, alt: label, keyboard: true
      }).bindPopup('<a href="' + text(p.url) + '">' + text(p.title) + "</a><br>" +
        text(p.council_label) + "<br>" + text(data.labelPriority) + ": " + text(p.priority_label) +
        ", " + text(p.status_label) + "<br>" + text(data.labelSupports) + ": " + text(p.supports));
      onEnter(marker, function () { marker.openPopup(); });
      marker.on("add", function () {
        var icon = marker.getElement();
        if (icon) { icon.setAttribute("aria-label", label); icon.setAttribute("data-need", p.id); }
      });
      layer.addLayer(marker);
    });
    layer.addTo(map);
    control.addOverlay(layer, data.labelNeeds);
    el.setAttribute("data-needs-loaded", String(collection.features.length));
  });

  load(data.barriersUrl).then(function (collection) {
    if (!collection || !collection.features) { return; }
    var layer = L.layerGroup();
    collection.features.forEach(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      var label = data.labelBarrier + ": " + p.offer_name + " – " + (p.barrier_labels || []).join(", ");
      layer.addLayer(pointMarker(c, label, "legend-swatch legend-barrier", p.url));
    });
    layer.addTo(map);
    control.addOverlay(layer, data.labelBarriers);
  });
})();

/* Map page: districts, and proposals, needs, offers and barrier reports counted by the server
 * per grid cell of the view (/api/v1/…/clusters: clusters where items are dense, single
 * markers where they are few, the counts add up to the matching items in view; public barrier
 * figures thresholded: clusters of at least N reports, "fewer than N" areas without a number,
 * no single reports). Loads on "moveend" (debounced; a newer view aborts the older requests),
 * refreshes the list under the map for the same view and filters, and keeps view and filters
 * in the URL (back button, shared links). The first view's proposal and need clusters come
 * with the page (#map-first-view, the API's answers for an area around the first view): no
 * round trip before the first draw. Markers and clusters are focusable; Enter opens a marker's
 * popup or zooms into a cluster. Settings come from data- attributes (no inline JS). Without
 * this script the page shows the server-rendered list with its pages. */
(function () {
  "use strict";
  if (window.performance && performance.mark) { performance.mark("map-page:start"); }
  var el = document.getElementById("proposal-map");
  // Colour swatches in the legend (style attributes are not allowed by the CSP, DOM styles are).
  Array.prototype.forEach.call(document.querySelectorAll("[data-colour]"), function (swatch) {
    swatch.style.background = swatch.getAttribute("data-colour");
  });
  if (!el || typeof L === "undefined") { return; }
  var data = el.dataset;
  var FILTERS = ["category", "district", "q", "status"];
  var NEED_FILTERS = ["category", "district", "q"];
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "de");
  var center = data.center.split(",").map(Number);
  var zoom = Number(data.zoom);
  if (data.view) {
    var v = data.view.split(",").map(Number);
    zoom = v[0];
    center = [v[1], v[2]];
  }
  // The zoom range and bounds of the tiles the server offers (the tile proxy serves no others).
  var minZoom = Number(data.tileMinZoom) || 0, maxZoom = Number(data.tileMaxZoom) || 19;
  var tileBounds = (data.tileBounds || "").split(",").map(Number);
  tileBounds = tileBounds.length === 4 ? [[tileBounds[0], tileBounds[1]], [tileBounds[2], tileBounds[3]]] : undefined;
  var map = L.map(el, { scrollWheelZoom: false, minZoom: minZoom, maxZoom: maxZoom });
  el.quartierMap = map;
  if (data.fit) {
    var f = data.fit.split(",").map(Number);
    map.fitBounds([[f[1], f[0]], [f[3], f[2]]]);
  } else {
    map.setView(center, Math.max(minZoom, Math.min(maxZoom, zoom)));
  }
  map.attributionControl.setPrefix(false);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { minZoom: minZoom, maxZoom: maxZoom, bounds: tileBounds, attribution: data.tileAttribution }).addTo(map);
  }
  map.attributionControl.addAttribution(data.districtAttribution);
  if (window.performance && performance.mark) { performance.mark("map-page:map-set-up"); }

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

  // On small screens the layer switcher is collapsed (a 44 px button) so it does not cover the map.
  var small = window.matchMedia && window.matchMedia("(max-width: 40em)").matches;
  var control = L.control.layers(null, {}, { collapsed: small }).addTo(map);

  var legend = {};
  Array.prototype.forEach.call(document.querySelectorAll(".legend-list [data-category]"), function (s) {
    legend[s.getAttribute("data-category")] = { colour: s.getAttribute("data-colour"), icon: s.textContent.trim() };
  });

  // --- the URL: view and filters ------------------------------------------------------------
  function currentParams() {
    return new URLSearchParams(window.location.search);
  }

  function filterQuery(names) {
    var params = currentParams(), out = new URLSearchParams();
    names.forEach(function (name) {
      var value = params.get(name);
      if (value) { out.set(name, value); }
    });
    return out;
  }

  function viewBbox() {
    var b = map.getBounds();
    function clamp(v, low, high) { return Math.max(low, Math.min(high, v)); }
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
      clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map(function (n) { return n.toFixed(5); }).join(",");
  }

  var form = document.querySelector(".filter-form");
  function keepViewInForm(view) {
    if (!form) { return; }
    Object.keys(view).forEach(function (name) {
      var input = form.querySelector('input[data-view="' + name + '"]');
      if (input) { input.value = view[name]; input.disabled = false; }
    });
  }

  if (form) {
    // A new district: the map fits it (the view is dropped); other filters keep the view.
    form.addEventListener("submit", function () {
      var district = form.querySelector("[name=district]");
      if (district && district.value && district.value !== (currentParams().get("district") || "")) {
        Array.prototype.forEach.call(form.querySelectorAll("input[data-view]"), function (input) {
          input.disabled = true;
        });
      }
    });
  }

  var restoring = false, firstView = true;
  function recordView() {
    var c = map.getCenter();
    var view = { zoom: String(map.getZoom()), lat: c.lat.toFixed(5), lon: c.lng.toFixed(5) };
    keepViewInForm(view);
    var params = currentParams();
    Object.keys(view).forEach(function (k) { params.set(k, view[k]); });
    params.delete("cursor");
    params.delete("bbox");
    var url = window.location.pathname + "?" + params.toString();
    if (url === window.location.pathname + window.location.search) { return; }
    if (firstView || restoring) {
      window.history.replaceState({ view: view }, "", url);
    } else {
      window.history.pushState({ view: view }, "", url);
    }
  }

  window.addEventListener("popstate", function () {
    var params = currentParams();
    var z = Number(params.get("zoom")), lat = Number(params.get("lat")), lon = Number(params.get("lon"));
    if (params.get("zoom") && isFinite(lat) && isFinite(lon)) {
      restoring = true;
      map.setView([lat, lon], z);  // its "moveend" reloads
    }
  });

  // --- clusters and single markers ----------------------------------------------------------
  // A count of null: a public barrier area of "fewer than N" reports (no number, no data-count).
  function clusterIcon(count, className, label, fewerThan) {
    var box = document.createElement("div");
    var known = count !== null && count !== undefined;
    if (!known) { count = 0; }
    box.className = "map-cluster " + className + " map-cluster-" + (count < 10 ? "small" : count < 100 ? "medium" : "large");
    box.setAttribute("data-count", known ? String(count) : "");  // as on the barrier map
    if (!known) { box.setAttribute("data-fewer-than", String(fewerThan)); }
    var number = document.createElement("span");
    number.textContent = known ? numberFormat.format(count) : "<" + numberFormat.format(fewerThan);
    number.setAttribute("aria-hidden", "true");
    box.appendChild(number);
    var size = count < 100 ? 36 : count < 1000 ? 44 : 52;
    return { icon: L.divIcon({ html: box, className: "map-cluster-wrap", iconSize: [size, size] }), label: label };
  }

  function clusterMarker(feature, className, labelTemplate) {
    var p = feature.properties, c = feature.geometry.coordinates;
    var atMax = map.getZoom() >= map.getMaxZoom();
    var template = atMax && data.labelClusterMax && className === "proposal-cluster" ? data.labelClusterMax : labelTemplate;
    var label = typeof template === "function" ? template(p) : template.replace("__N__", numberFormat.format(p.count));
    var made = clusterIcon(p.count, className, label, p.fewer_than);
    var marker = L.marker([c[1], c[0]], { icon: made.icon, title: label, alt: label, keyboard: true });
    function zoomIn() {
      if (map.getZoom() >= map.getMaxZoom()) {
        var list = document.getElementById("proposal-list");
        if (list) { list.focus(); }
        return;
      }
      var b = p.bounds;
      if (b && (b[2] - b[0] > 1e-6 || b[3] - b[1] > 1e-6)) {
        var target = map.getBoundsZoom([[b[1], b[0]], [b[3], b[2]]]);
        var z = Math.min(map.getMaxZoom(), Math.max(map.getZoom() + 1, target));
        map.setView([(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], z);
      } else {
        map.setView([c[1], c[0]], Math.min(map.getMaxZoom(), map.getZoom() + 3));
      }
    }
    marker.on("click", zoomIn);
    onEnter(marker, zoomIn);
    marker.on("add", function () {
      var icon = marker.getElement();
      if (icon) { icon.setAttribute("aria-label", label); icon.setAttribute("role", "button"); }
    });
    return marker;
  }

  function proposalMarker(feature) {
    var p = feature.properties, c = feature.geometry.coordinates;
    var box = document.createElement("span");
    box.className = "proposal-marker";
    box.setAttribute("data-count", "1");
    var category = legend[p.category] || { colour: "#444", icon: "" };
    box.style.background = category.colour;
    box.textContent = category.icon;
    var label = p.title;
    var marker = L.marker([c[1], c[0]], {
      icon: L.divIcon({ html: box, className: "proposal-marker-wrap", iconSize: [26, 26] }),
      title: label, alt: label, keyboard: true
    });
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
    return marker;
  }

  function needMarker(feature) {
    var p = feature.properties, c = feature.geometry.coordinates;
    var label = data.labelNeed + ": " + p.title + " (" + p.council_label + ", " +
      data.labelPriority + ": " + p.priority_label + ", " + p.status_label + ")";
    var box = document.createElement("span");
    box.className = "need-marker";
    box.setAttribute("data-count", "1");
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
    return marker;
  }

  // The answers that came with the page for the first view (see _first_view in
  // app/site/map_routes.py): used once, by the layer they belong to.
  var firstView = {};
  var embedded = document.getElementById("map-first-view");
  if (embedded) {
    try { firstView = JSON.parse(embedded.textContent) || {}; } catch (e) { firstView = {}; }
  }

  // The part of an embedded answer in the view's cells, as the API answers for the view
  // (cells are fixed by the zoom: a cluster's cell is its bounds', a single item's its point's),
  // or null when the answer is for another zoom or does not cover the view. A single item's
  // point is rounded to 5 decimals (about 1 m): one that close to the view's outer cell edge
  // could be in either cell, and then the API is asked instead.
  function partInView(collection) {
    if (!collection || collection.zoom !== map.getZoom() || !collection.bbox) { return null; }
    var s = cellSpan().split(",").map(Number), b = collection.bbox;
    var step = 360 / Math.pow(2, s[0]) / 4, stepLat = step * latRatio;
    var covered = s[1] >= Math.round((b[0] + 180) / step) && s[3] <= Math.round((b[2] + 180) / step) - 1 &&
      s[2] >= Math.round((b[1] + 90) / stepLat) && s[4] <= Math.round((b[3] + 90) / stepLat) - 1;
    if (!covered) { return null; }
    function inside(lon, lat) {
      var x = Math.floor((lon + 180) / step), y = Math.floor((lat + 90) / stepLat);
      return x >= s[1] && x <= s[3] && y >= s[2] && y <= s[4];
    }
    var total = 0, unsure = false, features = [];
    collection.features.forEach(function (feature) {
      var p = feature.properties, c = feature.geometry.coordinates, here;
      if (p.bounds) {
        here = inside((p.bounds[0] + p.bounds[2]) / 2, (p.bounds[1] + p.bounds[3]) / 2);
      } else {
        here = inside(c[0], c[1]);
        var e = 1e-5;
        if (here !== inside(c[0] - e, c[1]) || here !== inside(c[0] + e, c[1]) ||
            here !== inside(c[0], c[1] - e) || here !== inside(c[0], c[1] + e)) { unsure = true; }
      }
      if (here) { features.push(feature); total += p.cluster ? p.count : 1; }
    });
    return unsure ? null : { total: total, features: features };
  }

  // One aggregated layer: reloaded for every view, the older request aborted. The first view
  // is drawn from the page's own answer when it has one that covers the view.
  function aggregatedLayer(options) {
    var layer = L.layerGroup().addTo(map);
    var controller = null, added = false;
    var first = options.embedded ? firstView[options.embedded] : null;
    function draw(collection) {
      layer.clearLayers();
      collection.features.forEach(function (feature) {
        layer.addLayer(feature.properties.cluster
          ? clusterMarker(feature, options.clusterClass, options.clusterLabel)
          : options.single(feature));
      });
      if (!added) { control.addOverlay(layer, options.name); added = true; }
      el.setAttribute(options.loadedAttribute, String(collection.total));
    }
    return function () {
      if (!options.url) { return Promise.resolve(); }
      if (controller) { controller.abort(); }
      var part = first ? partInView(first) : null;
      first = null;
      if (part) {
        controller = null;
        draw(part);
        return Promise.resolve();
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var params = filterQuery(options.filters);
      params.set("bbox", viewBbox());
      params.set("zoom", String(map.getZoom()));
      return fetch(options.url + "?" + params.toString(), {
        headers: { Accept: "application/geo+json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (collection) {
        if (collection) { draw(collection); }
      }).catch(function (error) {
        if (!error || error.name !== "AbortError") { el.setAttribute(options.loadedAttribute + "-error", "1"); }
      });
    };
  }

  // Offers (public facilities: single offers where few) and barrier reports (in public only
  // thresholded clusters; planners also get single reports, the API decides).
  function pointMarker(c, label, className, url, markerClass) {
    var box = document.createElement("span");
    box.className = className;
    box.setAttribute("data-single", "1");
    var marker = L.marker([c[1], c[0]], {
      icon: L.divIcon({ html: box, className: "proposal-marker-wrap", iconSize: [22, 22] }),
      title: label, alt: label, keyboard: true
    }).bindPopup('<a href="' + text(url) + '">' + text(label) + "</a>");
    onEnter(marker, function () { marker.openPopup(); });
    marker.on("add", function () {
      var icon = marker.getElement();
      if (icon) { icon.setAttribute("aria-label", label); icon.classList.add(markerClass); }
    });
    return marker;
  }

  function offerMarker(feature) {
    var p = feature.properties;
    var label = data.labelOffer + ": " + p.name + (p.type_label ? " (" + p.type_label + ")" : "");
    return pointMarker(feature.geometry.coordinates, label, "legend-swatch legend-offer", p.url, "offer-marker");
  }

  function barrierMarker(feature) {
    var p = feature.properties;
    var label = data.labelBarrier + ": " + (p.offer_name || "");
    return pointMarker(feature.geometry.coordinates, label, "legend-swatch legend-barrier", p.url, "barrier-report-marker");
  }

  function barrierClusterLabel(p) {
    if (p.count === null || p.count === undefined) {
      return data.labelBarrierFewer.replace("__N__", numberFormat.format(p.fewer_than));
    }
    return (p.more_below_threshold ? data.labelBarrierClusterMore : data.labelBarrierCluster)
      .replace("__N__", numberFormat.format(p.count))
      .replace("__M__", numberFormat.format(p.fewer_than || Number(data.threshold) || 5));
  }

  var loadProposals = aggregatedLayer({
    url: data.clustersUrl, filters: FILTERS, clusterClass: "proposal-cluster",
    clusterLabel: data.labelCluster, single: proposalMarker, name: data.labelProposals,
    loadedAttribute: "data-loaded", embedded: "proposals"
  });
  var loadNeeds = aggregatedLayer({
    url: data.needsClustersUrl, filters: NEED_FILTERS, clusterClass: "need-cluster",
    clusterLabel: data.labelNeedCluster, single: needMarker, name: data.labelNeeds,
    loadedAttribute: "data-needs-loaded", embedded: "needs"
  });
  // Offers: the district filter only (the page's category is the proposals'); barrier reports:
  // no filter (a district would cut the public map's units in two, see app/barriers/clusters.py).
  var loadOffers = aggregatedLayer({
    url: data.offersClustersUrl, filters: ["district"], clusterClass: "offer-cluster",
    clusterLabel: data.labelOfferCluster, single: offerMarker, name: data.labelOffers,
    loadedAttribute: "data-offers-loaded"
  });
  var loadBarriers = aggregatedLayer({
    url: data.barriersClustersUrl, filters: [], clusterClass: "barrier-cluster",
    clusterLabel: barrierClusterLabel, single: barrierMarker, name: data.labelBarriers,
    loadedAttribute: "data-barriers-loaded"
  });

  // --- the list under the map: the same filters and the view's bbox --------------------------
  var listSection = document.getElementById("proposal-list");
  var countLine = document.getElementById("map-count");
  var listController = null;
  function loadList(url) {
    if (!listSection || !data.listUrl) { return Promise.resolve(); }
    if (!url) {
      var params = filterQuery(FILTERS);
      params.set("bbox", viewBbox());
      params.set("zoom", String(map.getZoom()));  // the bbox widened to the clusters' cells
      url = data.listUrl + "?" + params.toString();
    }
    if (listController) { listController.abort(); }
    listController = typeof AbortController === "function" ? new AbortController() : null;
    return fetch(url, { signal: listController ? listController.signal : undefined }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null) { return; }
      listSection.innerHTML = html;
      var count = listSection.querySelector("[data-count-text]");
      if (count && countLine) { countLine.textContent = count.getAttribute("data-count-text"); }
      // The bbox the list counted (the view widened to the clusters' whole cells).
      listSection.setAttribute("data-bbox", count ? count.getAttribute("data-bbox") : "");
    }).catch(function () { /* aborted or offline: the list keeps what it shows */ });
  }

  if (listSection) {
    listSection.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-fragment]") : null;
      if (!link) { return; }
      event.preventDefault();
      loadList(link.getAttribute("data-fragment")).then(function () { listSection.focus(); });
    });
  }

  // The cells a view covers, as the server widens its bbox (app/core/clusters.py: a quarter
  // of a tile wide, cos(centre latitude) times that high, global keys): views covering the
  // same cells get the same answers.
  var latRatio = Math.cos(Number(data.center.split(",")[0]) * Math.PI / 180);
  function cellSpan() {
    var z = map.getZoom(), step = 360 / Math.pow(2, z) / 4, stepLat = step * latRatio;
    var b = viewBbox().split(",").map(Number);
    return [z, Math.floor((b[0] + 180) / step), Math.floor((b[1] + 90) / stepLat),
      Math.floor((b[2] + 180) / step), Math.floor((b[3] + 90) / stepLat)].join(",");
  }

  // What the layers and the list were last loaded for: a "moveend" that changes neither the
  // cells in view nor the filters (Leaflet fires one when the map's size changes, e.g. when
  // the page grows a scroll bar after the list is drawn, or after a popup closes without a
  // move) loads nothing again.
  var loadedFor = null;
  var timer = null;
  function refresh() {
    recordView();
    restoring = false;
    firstView = false;
    var key = cellSpan() + "|" + filterQuery(FILTERS).toString();
    if (key === loadedFor) { return; }
    loadedFor = key;
    loadProposals();
    loadNeeds();
    loadList();
    loadOffers();
    loadBarriers();
  }
  // An open popup stays: the small pan that makes it fit must not redraw (and so close) it;
  // the view is reloaded when it closes (a zoom reloads at once).
  var popupOpen = false, pending = false, popupZoom = null;
  map.on("popupopen", function () { popupOpen = true; popupZoom = map.getZoom(); });
  map.on("popupclose", function () {
    popupOpen = false;
    if (pending) { pending = false; refresh(); }
  });
  map.on("moveend", function () {
    if (timer) { window.clearTimeout(timer); }
    if (popupOpen && map.getZoom() === popupZoom) { pending = true; return; }
    timer = window.setTimeout(refresh, 200);
  });
  refresh();

  if (window.performance && performance.mark) { performance.mark("map-page:first-refresh"); }

  // The districts' outlines: asked for after the first draw (they are not needed for it).
  load(data.districtsUrl).then(function (collection) {
    if (!collection) { return; }
    var layer = L.geoJSON(collection, {
      interactive: false,
      style: { color: "#08437e", weight: 1, fillColor: "#6ea8dc", fillOpacity: 0.08 }
    }).addTo(map);
    layer.bringToBack();
    control.addOverlay(layer, data.labelDistricts);
  });
})();

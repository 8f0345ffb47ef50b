/* Barrier maps. Mode "pick" (report form): offers as markers; choosing one (click, or Enter on
 * a focused marker) selects it in the offer list, which works without the map as well.
 * Mode "show" (barriers page): offers and barrier reports counted per grid cell by the server
 * (thresholded in public; see app/barriers/clusters.py).
 * Settings come from data- attributes (no inline script). */
(function () {
  "use strict";
  var el = document.getElementById("barrier-map");
  if (!el || typeof L === "undefined") { return; }
  var details = el.closest("details");
  if (details && !details.open) {
    // A map needs its size: start it when the person opens the map section.
    details.addEventListener("toggle", function start() {
      if (details.open) { details.removeEventListener("toggle", start); init(); }
    });
  } else {
    init();
  }

  function init() {
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
    var select = data.select ? document.getElementById(data.select) : null;
    var status = data.status ? document.getElementById(data.status) : null;

    function text(value) {
      var span = document.createElement("span");
      span.textContent = value;
      return span.innerHTML;
    }

    function choose(props) {
      if (!select) { return; }
      if (!select.querySelector('option[value="' + props.id + '"]')) {
        window.location.href = props.url; // not in the searched list: open the form with it
        return;
      }
      select.value = String(props.id);
      select.dispatchEvent(new Event("change"));
      if (status) { status.textContent = data.labelChosen.replace("__NAME__", props.name); }
    }

    function load(url) {
      return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) { return r.json(); });
    }

    if (data.mode === "show" && data.offersClustersUrl) { showClusters(); return; }

    var bounds = [];
    load(data.offersUrl).then(function (collection) {
      collection.features.forEach(function (feature) {
        var p = feature.properties;
        var c = feature.geometry.coordinates;
        var label = p.name + " (" + p.type_label + ")";
        var marker = L.marker([c[1], c[0]], { title: label, alt: label, keyboard: true }).addTo(map);
        bounds.push([c[1], c[0]]);
        marker.on("click", function () { choose(p); });
        // Leaflet turns Enter on a focused marker into "keypress", not "click".
        marker.on("keypress", function (e) {
          if (e.originalEvent.key === "Enter" || e.originalEvent.keyCode === 13) { choose(p); }
        });
      });
    }).then(function () {
      if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
      el.setAttribute("data-loaded", "true");
    }).catch(function () { el.setAttribute("data-loaded", "error"); });

    // Mode "show": offers and barrier reports counted by the server per grid cell of the view
    // (/api/v1/offers/clusters, /api/v1/barriers/clusters), reloaded on "moveend" (debounced,
    // a newer view aborts the older requests). In public the barrier figures are thresholded:
    // clusters of at least N reports, "fewer than N" areas without a number, no single reports.
    function showClusters() {
      var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "de");
      var control = L.control.layers(null, {}, { collapsed: true }).addTo(map);

      function onEnter(marker, action) {
        marker.on("keypress", function (e) {
          if (e.originalEvent.key === "Enter" || e.originalEvent.keyCode === 13) { action(); }
        });
      }

      function named(marker, label, className) {
        marker.on("add", function () {
          var icon = marker.getElement();
          if (icon) {
            icon.setAttribute("aria-label", label);
            if (className) { icon.classList.add(className); }
          }
        });
        return marker;
      }

      function zoomInto(p, c) {
        var b = p.bounds;
        if (map.getZoom() >= map.getMaxZoom()) { return; }
        if (b) {
          var target = map.getBoundsZoom([[b[1], b[0]], [b[3], b[2]]]);
          map.setView([(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], Math.min(map.getMaxZoom(), Math.max(map.getZoom() + 1, target)));
        } else {
          map.setView([c[1], c[0]], Math.min(map.getMaxZoom(), map.getZoom() + 2));
        }
      }

      function cluster(feature, className, label) {
        var p = feature.properties, c = feature.geometry.coordinates;
        var box = document.createElement("div");
        var count = p.count === null ? 0 : p.count;
        box.className = "map-cluster " + className + " map-cluster-" + (count < 10 ? "small" : count < 100 ? "medium" : "large");
        box.setAttribute("data-count", p.count === null ? "" : String(p.count));
        var number = document.createElement("span");
        number.textContent = p.count === null ? "<" + numberFormat.format(p.fewer_than) : numberFormat.format(p.count);
        number.setAttribute("aria-hidden", "true");
        box.appendChild(number);
        var size = count < 100 ? 36 : 44;
        var marker = L.marker([c[1], c[0]], {
          icon: L.divIcon({ html: box, className: "map-cluster-wrap", iconSize: [size, size] }),
          title: label, alt: label, keyboard: true
        });
        marker.on("click", function () { zoomInto(p, c); });
        onEnter(marker, function () { zoomInto(p, c); });
        marker.on("add", function () {
          var icon = marker.getElement();
          if (icon) { icon.setAttribute("role", "button"); }
        });
        return named(marker, label);
      }

      function point(feature, label, swatchClass, markerClass, url) {
        var c = feature.geometry.coordinates;
        var dot = document.createElement("span");
        dot.className = swatchClass;
        var marker = L.marker([c[1], c[0]], {
          icon: L.divIcon({ html: dot, className: "proposal-marker-wrap", iconSize: [22, 22] }),
          title: label, alt: label, keyboard: true
        }).bindPopup('<a href="' + text(url) + '">' + text(label) + "</a>");
        onEnter(marker, function () { marker.openPopup(); });
        return named(marker, label, markerClass);
      }

      function offerFeature(feature) {
        var p = feature.properties;
        if (p.cluster) {
          return cluster(feature, "offer-cluster", data.labelOfferCluster.replace("__N__", numberFormat.format(p.count)));
        }
        var label = p.name + " (" + p.type_label + ")";
        return point(feature, data.labelReport + ": " + label, "legend-swatch legend-offer", "offer-marker", p.url);
      }

      function barrierFeature(feature) {
        var p = feature.properties;
        if (!p.cluster) {  // planners only: single reports
          return point(feature, p.offer_name || "", "legend-swatch legend-barrier", "barrier-report-marker", p.url);
        }
        var label;
        if (p.count === null) {
          label = data.labelBarrierFewer.replace("__N__", numberFormat.format(p.fewer_than));
        } else {
          label = (p.more_below_threshold ? data.labelBarrierClusterMore : data.labelBarrierCluster)
            .replace("__N__", numberFormat.format(p.count))
            .replace("__M__", numberFormat.format(p.fewer_than || Number(data.threshold) || 5));
        }
        return cluster(feature, "barrier-cluster", label);
      }

      function viewBbox() {
        var b = map.getBounds();
        function clamp(v, low, high) { return Math.max(low, Math.min(high, v)); }
        return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
          clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map(function (n) { return n.toFixed(5); }).join(",");
      }

      function layer(url, name, make, attribute) {
        var group = L.layerGroup().addTo(map);
        var controller = null, added = false;
        return function () {
          if (!url) { return Promise.resolve(); }
          if (controller) { controller.abort(); }
          controller = typeof AbortController === "function" ? new AbortController() : null;
          var params = new URLSearchParams();
          params.set("bbox", viewBbox());
          params.set("zoom", String(map.getZoom()));
          return fetch(url + "?" + params.toString(), {
            headers: { Accept: "application/geo+json" },
            signal: controller ? controller.signal : undefined,
            credentials: "same-origin"
          }).then(function (r) { return r.ok ? r.json() : null; }).then(function (collection) {
            if (!collection) { return; }
            group.clearLayers();
            collection.features.forEach(function (feature) { group.addLayer(make(feature)); });
            if (!added) { control.addOverlay(group, name); added = true; }
            el.setAttribute(attribute, String(collection.total));
          }).catch(function (error) {
            if (!error || error.name !== "AbortError") { el.setAttribute(attribute + "-error", "1"); }
          });
        };
      }

      var loadOffers = layer(data.offersClustersUrl, data.labelOffers, offerFeature, "data-offers-total");
      var loadBarriers = layer(data.barriersClustersUrl, data.labelBarriers, barrierFeature, "data-barriers-total");
      function refresh() {
        return Promise.all([loadOffers(), loadBarriers()]).then(function () {
          el.setAttribute("data-loaded", "true");
        });
      }
      var timer = null;
      map.on("moveend", function () {
        if (timer) { window.clearTimeout(timer); }
        timer = window.setTimeout(refresh, 200);
      });
      refresh();
    }
  }
}());

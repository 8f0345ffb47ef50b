/* Measures map: sites as keyboard-reachable markers, measures without a site as their
 * districts' shapes. Reads the same filtered data as the list beside it
 * (/massnahmen/karte.geojson); the list offers everything without the map. */
(function () {
  "use strict";
  var el = document.getElementById("measure-map");
  if (!el || typeof L === "undefined") { return; }
  var data = el.dataset;
  var center = data.center.split(",").map(Number);
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

  function label(p) { return data.labelOpen.replace("__TITLE__", p.title) + " (" + p.status + ", " + p.progress + " %)"; }

  function go(url) { window.location.href = url; }

  function json(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  json(data.measuresUrl).then(function (measures) {
    var byDistrict = {};
    var group = L.featureGroup().addTo(map);
    measures.features.forEach(function (feature) {
      var p = feature.properties;
      if (feature.geometry) {
        var c = feature.geometry.coordinates;
        var icon = L.divIcon({ className: "measure-marker", iconSize: [18, 18] });
        var marker = L.marker([c[1], c[0]], { icon: icon, title: p.title, alt: label(p), keyboard: true });
        marker.on("click", function () { go(p.url); });
        marker.on("add", function () {
          var node = marker.getElement();
          if (!node) { return; }
          node.setAttribute("role", "link");
          node.setAttribute("aria-label", label(p));
          node.addEventListener("keydown", function (event) { if (event.key === "Enter") { go(p.url); } });
        });
        marker.bindTooltip(p.title);
        marker.addTo(group);
      } else {
        (p.districts || []).forEach(function (number) {
          (byDistrict[number] = byDistrict[number] || []).push(p);
        });
      }
    });
    var numbers = Object.keys(byDistrict);
    if (!numbers.length) {
      if (group.getLayers().length) { map.fitBounds(group.getBounds(), { maxZoom: 15 }); }
      el.setAttribute("data-loaded", "true");
      return null;
    }
    return json(data.districtsUrl).then(function (districts) {
      L.geoJSON(districts, {
        filter: function (f) { return byDistrict[f.properties.number] !== undefined; },
        style: function () { return { color: "#08437e", weight: 2, fillColor: "#6ea8dc", fillOpacity: 0.3 }; },
        onEachFeature: function (f, shape) {
          var list = byDistrict[f.properties.number];
          shape.bindTooltip(f.properties.name + ": " + list.map(function (p) { return p.title; }).join(", "), { sticky: true });
          shape.on("click", function () { go(list[0].url); });
          shape.on("add", function () {
            var path = shape.getElement();
            if (!path) { return; }
            path.setAttribute("role", "link");
            path.setAttribute("tabindex", "0");
            path.setAttribute("aria-label", label(list[0]));
            path.addEventListener("keydown", function (event) { if (event.key === "Enter") { go(list[0].url); } });
          });
        }
      }).addTo(group);
      map.fitBounds(group.getBounds(), { maxZoom: 15 });
      el.setAttribute("data-loaded", "true");
    });
  }).catch(function () { el.setAttribute("data-loaded", "error"); });
}());

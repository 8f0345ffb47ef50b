/* District map: draws the districts from /api/v1/districts; a click (or Enter on a focused
 * shape) opens the district page. The list beside the map offers the same without a map.
 * On a district's page (data-selected) the map only shows where the district lies: the
 * shapes are decorative there – no Tab stops, hidden from screen readers (the page says it
 * all) – and the map itself is no Tab stop either; its zoom buttons still are. */
(function () {
  "use strict";
  var el = document.getElementById("district-map");
  if (!el || typeof L === "undefined") { return; }
  var data = el.dataset;
  var center = data.center.split(",").map(Number);
  // The zoom range and bounds of the tiles the server offers (the tile proxy serves no others).
  var minZoom = Number(data.tileMinZoom) || 0, maxZoom = Number(data.tileMaxZoom) || 19;
  var tileBounds = (data.tileBounds || "").split(",").map(Number);
  tileBounds = tileBounds.length === 4 ? [[tileBounds[0], tileBounds[1]], [tileBounds[2], tileBounds[3]]] : undefined;
  var selected = data.selected;
  var decorative = Boolean(selected);
  var map = L.map(el, { scrollWheelZoom: false, keyboard: !decorative, minZoom: minZoom, maxZoom: maxZoom }).setView(center, Number(data.zoom));
  el.quartierMap = map; // for tests and later layers
  map.attributionControl.setPrefix(false);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { minZoom: minZoom, maxZoom: maxZoom, bounds: tileBounds, attribution: data.tileAttribution }).addTo(map);
  }
  map.attributionControl.addAttribution(data.districtAttribution);

  function districtUrl(number) { return data.districtUrl.replace("__NUMBER__", number); }

  function style(feature) {
    var isSelected = feature.properties.number === selected;
    return {
      color: "#08437e", weight: isSelected ? 3 : 1.5,
      fillColor: isSelected ? "#0b5cad" : "#6ea8dc", fillOpacity: isSelected ? 0.45 : 0.2
    };
  }

  fetch(data.districtsUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.json(); })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: style,
        onEachFeature: function (feature, shape) {
          var p = feature.properties;
          var label = p.number + " " + p.name;
          shape.bindTooltip(label, { sticky: true });
          shape.on("click", function () { window.location.href = districtUrl(p.number); });
          shape.on("add", function () {
            var path = shape.getElement();
            if (!path) { return; }
            path.setAttribute("data-number", p.number);
            if (decorative) {
              // Chromium makes an SVG element with focus listeners (Leaflet's tooltip adds
              // them) a Tab stop unless tabindex says otherwise.
              path.setAttribute("tabindex", "-1");
              path.setAttribute("aria-hidden", "true");
              return;
            }
            path.setAttribute("role", "link");
            path.setAttribute("aria-label", data.labelOpen.replace("__NAME__", label));
            path.setAttribute("tabindex", "0");
            path.addEventListener("keydown", function (event) {
              if (event.key === "Enter") { window.location.href = districtUrl(p.number); }
            });
          });
        }
      }).addTo(map);
      el.setAttribute("data-loaded", "true");
      if (selected) {
        layer.eachLayer(function (shape) {
          if (shape.feature.properties.number === selected) { map.fitBounds(shape.getBounds(), { maxZoom: 15 }); }
        });
      } else {
        map.fitBounds(layer.getBounds());
      }
    })
    .catch(function () { el.setAttribute("data-loaded", "error"); });
}());

/* Indicator and social-index choropleth: draws the districts from the GeoJSON endpoint named in
 * data-geojson-url, filled with the colour the server computed for each district (its class).
 * A click (or Enter on a focused shape) opens the district's figures. The table beside the map
 * holds the same numbers (the non-map path); its column buttons sort it. No inline scripts. */
(function () {
  "use strict";

  function sortableTables() {
    var tables = document.querySelectorAll("table[data-sortable]");
    Array.prototype.forEach.call(tables, function (table) {
      var buttons = table.querySelectorAll("thead .sort-button");
      Array.prototype.forEach.call(buttons, function (button) {
        button.addEventListener("click", function () {
          var column = Number(button.dataset.column);
          var numeric = button.hasAttribute("data-numeric");
          var th = button.parentElement;
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (other) {
            other.removeAttribute("aria-sort");
          });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var ca = a.cells[column], cb = b.cells[column];
            var va = ca.dataset.value !== undefined ? ca.dataset.value : ca.textContent.trim();
            var vb = cb.dataset.value !== undefined ? cb.dataset.value : cb.textContent.trim();
            var result;
            if (numeric) {
              if (va === "" && vb === "") { result = 0; }
              else if (va === "") { return 1; }
              else if (vb === "") { return -1; }
              else { result = Number(va) - Number(vb); }
            } else {
              result = va.localeCompare(vb, document.documentElement.lang);
            }
            return ascending ? result : -result;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }

  sortableTables();

  var el = document.getElementById("indicator-map");
  if (!el || typeof L === "undefined") { return; }
  var data = el.dataset;
  var lang = document.documentElement.lang || "de";
  var center = data.center.split(",").map(Number);
  // The zoom range and bounds of the tiles the server offers (the tile proxy serves no others).
  var minZoom = Number(data.tileMinZoom) || 0, maxZoom = Number(data.tileMaxZoom) || 19;
  var tileBounds = (data.tileBounds || "").split(",").map(Number);
  tileBounds = tileBounds.length === 4 ? [[tileBounds[0], tileBounds[1]], [tileBounds[2], tileBounds[3]]] : undefined;
  var map = L.map(el, { scrollWheelZoom: false, minZoom: minZoom, maxZoom: maxZoom }).setView(center, Number(data.zoom));
  el.quartierMap = map;
  map.attributionControl.setPrefix(false);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { minZoom: minZoom, maxZoom: maxZoom, bounds: tileBounds, attribution: data.tileAttribution, opacity: 0.5 }).addTo(map);
  }
  map.attributionControl.addAttribution(data.districtAttribution);
  var classLabels = (data.classLabels || "").split("|");

  function profileUrl(number) { return data.districtUrl.replace("__NUMBER__", number); }

  function describe(p) {
    if (data.mode === "status") {
      if (!p.status_class) { return data.noValue; }
      return p.status_class + " " + (classLabels[p.status_class - 1] || "");
    }
    if (data.mode === "dynamic") {
      if (!p.dynamic_class) { return data.noValue; }
      return classLabels[p.dynamic_class - 1] || "";
    }
    if (p.value === null || p.value === undefined) { return data.noValue; }
    var text = Number(p.value).toLocaleString(lang, { maximumFractionDigits: 1 });
    if (data.unit === "percent") { text += " %"; }
    return text;
  }

  fetch(data.geojsonUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: function (feature) {
          return {
            color: "#1b1f23", weight: 1.2, opacity: 1,
            fillColor: (data.mode === "dynamic" ? feature.properties.colour_dynamic
              : feature.properties.colour) || "#bdbdbd",
            fillOpacity: 0.85
          };
        },
        onEachFeature: function (feature, shape) {
          var p = feature.properties;
          var label = p.number + " " + p.name + ": " + describe(p);
          shape.bindTooltip(label, { sticky: true });
          shape.on("click", function () { window.location.href = profileUrl(p.number); });
          shape.on("add", function () {
            var path = shape.getElement();
            if (!path) { return; }
            path.setAttribute("role", "link");
            path.setAttribute("aria-label", data.labelOpen.replace("__NAME__", label));
            path.setAttribute("data-number", p.number);
            path.setAttribute("tabindex", "0");
            path.addEventListener("keydown", function (event) {
              if (event.key === "Enter") { window.location.href = profileUrl(p.number); }
            });
          });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      el.setAttribute("data-loaded", "true");
    })
    .catch(function () { el.setAttribute("data-loaded", "error"); });
}());

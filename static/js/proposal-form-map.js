/* Proposal maps. Mode "pick" (form): click the map or drag the marker to fill the latitude
 * and longitude inputs (which can also be typed; typing moves the marker). By keyboard: the
 * focused map shows a crosshair in its middle; the arrow keys move the map under it (+ and −
 * zoom, Leaflet's own keys) and Enter sets the point there. Mode "show" (proposal page): one
 * marker. Settings come from data- attributes (no inline script). */
(function () {
  "use strict";
  var el = document.getElementById("proposal-map");
  if (!el || typeof L === "undefined") { return; }
  var data = el.dataset;
  var center = data.center.split(",").map(Number);
  // The zoom range and bounds of the tiles the server offers (the tile proxy serves no others).
  var minZoom = Number(data.tileMinZoom) || 0, maxZoom = Number(data.tileMaxZoom) || 19;
  var tileBounds = (data.tileBounds || "").split(",").map(Number);
  tileBounds = tileBounds.length === 4 ? [[tileBounds[0], tileBounds[1]], [tileBounds[2], tileBounds[3]]] : undefined;
  var map = L.map(el, { scrollWheelZoom: false, minZoom: minZoom, maxZoom: maxZoom }).setView(center, Number(data.zoom));
  el.quartierMap = map; // for tests
  map.attributionControl.setPrefix(false);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { minZoom: minZoom, maxZoom: maxZoom, bounds: tileBounds, attribution: data.tileAttribution }).addTo(map);
  }
  var marker = null;

  if (data.mode === "show") {
    var point = [Number(data.lat), Number(data.lon)];
    L.marker(point, { keyboard: false, title: data.label || "" }).addTo(map);
    map.setView(point, 16);
    return;
  }

  var lat = document.getElementById(data.lat);
  var lon = document.getElementById(data.lon);
  var status = data.status ? document.getElementById(data.status) : null;

  function place(latlng, fromMap) {
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, keyboard: false }).addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng(), true); });
    } else {
      marker.setLatLng(latlng);
    }
    if (fromMap) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (status) { status.textContent = data.labelChosen.replace("__LAT__", lat.value).replace("__LON__", lon.value); }
    }
  }

  function fromInputs() {
    var a = parseFloat((lat.value || "").replace(",", "."));
    var b = parseFloat((lon.value || "").replace(",", "."));
    if (isFinite(a) && isFinite(b)) { place(L.latLng(a, b), false); return true; }
    return false;
  }

  map.on("click", function (e) { place(e.latlng, true); });

  // Keyboard: a crosshair marks the middle of the focused map; Enter sets the point there.
  var crosshair = document.createElement("div");
  crosshair.className = "map-crosshair";
  crosshair.setAttribute("aria-hidden", "true");
  el.appendChild(crosshair);
  if (data.keysHint) { el.setAttribute("aria-describedby", data.keysHint); }
  el.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target !== el) { return; }
    event.preventDefault(); // never submits the form
    place(map.getCenter(), true);
  });
  lat.addEventListener("change", fromInputs);
  lon.addEventListener("change", fromInputs);
  if (fromInputs()) { map.setView(marker.getLatLng(), 16); }
})();

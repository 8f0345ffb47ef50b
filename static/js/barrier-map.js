/* Barrier maps. Mode "pick" (report form): offers as markers; choosing one (click, or Enter on
 * a focused marker) selects it in the offer list, which works without the map as well.
 * Mode "show" (barriers page): offers and public barrier reports with links.
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

    var bounds = [];
    var jobs = [load(data.offersUrl).then(function (collection) {
      collection.features.forEach(function (feature) {
        var p = feature.properties;
        var c = feature.geometry.coordinates;
        var label = p.name + " (" + p.type_label + ")";
        var marker = L.marker([c[1], c[0]], { title: label, alt: label, keyboard: true }).addTo(map);
        bounds.push([c[1], c[0]]);
        if (data.mode === "pick") {
          marker.on("click", function () { choose(p); });
          // Leaflet turns Enter on a focused marker into "keypress", not "click".
          marker.on("keypress", function (e) {
            if (e.originalEvent.key === "Enter" || e.originalEvent.keyCode === 13) { choose(p); }
          });
        } else {
          marker.bindPopup('<a href="' + text(p.url) + '">' + text(data.labelReport) + ": " + text(p.name) + "</a>");
        }
      });
    })];
    if (data.mode === "show" && data.barriersUrl) {
      jobs.push(load(data.barriersUrl).then(function (collection) {
        collection.features.forEach(function (feature) {
          var p = feature.properties;
          var c = feature.geometry.coordinates;
          var label = p.offer_name + ": " + p.barrier_labels.join(", ");
          // A focusable, named marker (keyboard: Tab to it, Enter opens the popup link).
          var dot = document.createElement("span");
          dot.className = "legend-swatch legend-barrier";
          var marker = L.marker([c[1], c[0]], {
            icon: L.divIcon({ html: dot, className: "proposal-marker-wrap", iconSize: [22, 22] }),
            title: label, alt: label, keyboard: true
          }).bindPopup('<a href="' + text(p.url) + '">' + text(label) + "</a>");
          marker.on("keypress", function (e) {
            if (e.originalEvent.key === "Enter" || e.originalEvent.keyCode === 13) { marker.openPopup(); }
          });
          marker.on("add", function () {
            var icon = marker.getElement();
            if (icon) { icon.setAttribute("aria-label", label); icon.classList.add("barrier-report-marker"); }
          });
          marker.addTo(map);
        });
      }));
    }
    Promise.all(jobs).then(function () {
      if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
      el.setAttribute("data-loaded", "true");
    }).catch(function () { el.setAttribute("data-loaded", "error"); });
  }
}());

/* Leaflet's own control labels in the page's language, for every map: the zoom buttons'
 * titles and accessible names, and the attribution prefix. The translated strings come from
 * this script element's data- attributes (rendered through Babel in templates/load.html);
 * loaded right after leaflet.js, before the maps are made. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || typeof L === "undefined") { return; }
  var text = me.dataset;
  if (text.zoomIn) { L.Control.Zoom.prototype.options.zoomInTitle = text.zoomIn; }
  if (text.zoomOut) { L.Control.Zoom.prototype.options.zoomOutTitle = text.zoomOut; }
  if (text.leafletTitle) {
    var link = document.createElement("a");
    link.href = "https://leafletjs.com";
    link.title = text.leafletTitle;
    link.textContent = "Leaflet";
    L.Control.Attribution.prototype.options.prefix = link.outerHTML;
  }
}());

/* Leaflet's own control labels in the page's language, for every map: the zoom buttons'
 * titles and accessible names, the layer switcher's button ("Layers") and the attribution
 * prefix. The translated strings come from
 * this script element's data- attributes (rendered through Babel in templates/load.html);
 * loaded right after leaflet.js, before the maps are made. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || typeof L === "undefined") { return; }
  var text = me.dataset;
  if (text.zoomIn) { L.Control.Zoom.prototype.options.zoomInTitle = text.zoomIn; }
  if (text.zoomOut) { L.Control.Zoom.prototype.options.zoomOutTitle = text.zoomOut; }
  if (text.layers && L.Control.Layers) {
    // Leaflet writes the switcher's title in English in _initLayout: set ours right after.
    var initLayout = L.Control.Layers.prototype._initLayout;
    L.Control.Layers.prototype._initLayout = function () {
      initLayout.apply(this, arguments);
      if (this._layersLink) {
        this._layersLink.title = text.layers;
        this._layersLink.setAttribute("aria-label", text.layers);
      }
    };
  }
  if (text.leafletTitle) {
    var link = document.createElement("a");
    link.href = "https://leafletjs.com";
    link.title = text.leafletTitle;
    link.textContent = "Leaflet";
    L.Control.Attribution.prototype.options.prefix = link.outerHTML;
  }
}());

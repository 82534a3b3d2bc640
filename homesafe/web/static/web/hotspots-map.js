// Hot spots: H3 hexagons on a map. Leaflet, served from HomeSafe's own static files; no tile
// server unless one is configured (data-tiles on the map element). The same counts are in the
// tables on the page, so the map is a visual aid only: hidden from assistive technology, with
// nothing on it to focus.
(function () {
  var element = document.getElementById("hotspots-map");
  var data = document.getElementById("hotspots-map-data");
  if (!element || !data || typeof L === "undefined") { return; }
  var cells = JSON.parse(data.textContent);
  if (!cells.length) { return; }
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false, zoomControl: false, keyboard: false });
  map.attributionControl.setPrefix(false);
  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
  }
  map.attributionControl.addAttribution("Contains OS data © Crown copyright and database right; Source: ONS, OGL v3");
  var most = cells.reduce(function (m, c) { return Math.max(m, c.count); }, 1);
  var bounds = [];
  cells.forEach(function (c) {
    L.polygon(c.boundary, {
      weight: 1, color: "#0b0c0c", fillColor: "#d4351c",
      fillOpacity: 0.15 + 0.6 * (c.count / most), interactive: false
    }).addTo(map);
    c.boundary.forEach(function (p) { bounds.push(p); });
  });
  map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
})();

// The child's story: places on a small map. Leaflet, served from HomeSafe's own static files;
// no tile server unless one is configured (data-tiles on the map element). The same places are
// listed in a table on the page, so the map is only a visual aid: hidden from assistive
// technology, with nothing on it to focus (no zoom buttons, no keyboard focus, no clickable marks).
(function () {
  var element = document.getElementById("story-map");
  var data = document.getElementById("story-map-data");
  if (!element || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent);
  if (!points.length) { return; }
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false, zoomControl: false, keyboard: false });
  map.attributionControl.setPrefix(false);
  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18, attribution: element.getAttribute("data-attribution") || "" }).addTo(map);
  }
  map.attributionControl.addAttribution("Contains OS data © Crown copyright and database right; Source: ONS, OGL v3");
  var bounds = [];
  points.forEach(function (p) {
    L.circleMarker([p.lat, p.lng], { radius: 5 + Math.min(p.count, 10), weight: 2, interactive: false })
      .addTo(map);
    bounds.push([p.lat, p.lng]);
  });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
})();

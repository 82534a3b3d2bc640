// Places on a small map: the child's story (#story-map) and an episode's sightings
// (#sightings-map). Leaflet, served from HomeSafe's own static files; no tile server unless one
// is configured (data-tiles on the map element). The same places are listed in a table on the
// page, so the map is only a visual aid: hidden from assistive technology, with nothing on it to
// focus (no zoom buttons, no keyboard focus, no clickable marks). Without JavaScript the map
// stays hidden and the table is the page.
(function () {
  if (typeof L === "undefined") { return; }
  var maps = document.querySelectorAll(".hs-map[data-points]");
  Array.prototype.forEach.call(maps, function (element) {
    var data = document.getElementById(element.getAttribute("data-points"));
    if (!data) { return; }
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
      if (p.number !== undefined) {
        // A sighting, numbered as in the table beside the map.
        L.marker([p.lat, p.lng], {
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ html: String(p.number), iconSize: [20, 20] })  // Leaflet's own white box
        }).addTo(map);
      } else {
        L.circleMarker([p.lat, p.lng], { radius: 5 + Math.min(p.count, 10), weight: 2, interactive: false })
          .addTo(map);
      }
      bounds.push([p.lat, p.lng]);
    });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
  });
})();

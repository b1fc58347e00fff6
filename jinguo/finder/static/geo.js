(function () {
  var b = document.getElementById("geo"), m = document.getElementById("geo-msg"), f = document.getElementById("ask");
  if (!b || !f) return;
  b.hidden = false;
  b.onclick = function () {
    if (!navigator.geolocation) { m.textContent = b.dataset.unsupported; return; }
    m.textContent = b.dataset.wait;
    navigator.geolocation.getCurrentPosition(function (p) {
      var q = new URLSearchParams(new FormData(f));
      q.delete("near"); q.delete("crs");
      q.set("lon", p.coords.longitude.toFixed(6)); q.set("lat", p.coords.latitude.toFixed(6));
      q.set("crs", "wgs84"); q.set("geo", "1");
      location.href = f.getAttribute("action") + "?" + q.toString();
    }, function (e) {
      m.textContent = e.code === 1 ? b.dataset.denied : b.dataset.nofix;
    }, {enableHighAccuracy: false, timeout: 10000, maximumAge: 300000});
  };
})();

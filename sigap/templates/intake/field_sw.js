// SIGAP field app service worker (served from /lapangan/sw.js so that it controls /lapangan/ only).
// Pages: network first, the cached copy when offline. Static files: cache first, versioned.
// Reports themselves never pass through here: they wait in IndexedDB (field.js) until sent.
const CACHE = "sigap-field-{{ version }}";
const PAGE = "{% url 'intake:field' %}";
// Every script and stylesheet the page loads (base.html's htmx too): offline, the browser's own HTTP
// cache may be long gone. tests/intake/test_field.py checks this list against the page.
const ASSETS = [
  "{% load static %}{% static 'css/sigap.css' %}",
  "{% static 'django_htmx/htmx-2.min.js' %}",
  "{% static 'js/field.js' %}",
  "{% static 'img/sigap-icon.svg' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([PAGE, ...ASSETS])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith("sigap-field-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (url.pathname === PAGE) {
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
        }
        return response;
      }).catch(() => caches.match(PAGE))
    );
  }
});

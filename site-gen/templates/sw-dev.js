// site-gen serve's service worker: dev pages are never kept offline. Pages
// under serve register no worker; this one replaces one that a build served
// at the same address installed, deletes its caches and unregisters.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("madoguchi-")) await caches.delete(name);
    }
    await self.registration.unregister();
  })());
});

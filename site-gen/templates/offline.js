// Registers the site's service worker (sw.js at the site root), which keeps
// each page a reader opens, with the checker and the stylesheet, so that the
// page works offline later. It keeps no answers. Published by site-gen
// build, never by site-gen serve.
if ("serviceWorker" in navigator && !navigator.serviceWorker.controller) {
  const register = () => {
    navigator.serviceWorker.register(new URL("./sw.js", import.meta.url)).catch(() => {});
  };
  if (document.readyState === "complete") register();
  else addEventListener("load", register, { once: true });
}

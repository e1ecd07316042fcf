// Development only: injected by `site-gen serve`, never in a published build.
// Long-polls the dev server and reloads the page after each rebuild.
let version = -1;
for (;;) {
  try {
    const response = await fetch(`/__livereload?since=${version}`, { cache: "no-store" });
    const latest = Number(await response.text());
    if (version >= 0 && latest !== version) {
      location.reload();
      break;
    }
    version = latest;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// serve --watch only: reloads the page each time backcare rebuilds the site after a save.
// Never sent without --watch; the site itself needs no JavaScript.
(function () {
  "use strict";
  if (!window.EventSource) {
    return;
  }
  var events = new EventSource("/__backcare/live-reload");
  events.addEventListener("reload", function () {
    window.location.reload();
  });
})();

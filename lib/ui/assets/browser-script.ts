/**
 * The browser's only script, served at `/assets/eventfold.js`: plain JavaScript that every
 * browser runs as it is, so that there is nothing to build. Pages work without it, except for
 * what needs it: the live log, the arrow keys of time travel and the refresh of the subscribers.
 */
export const BROWSER_SCRIPT = `
'use strict';
(function () {
  var body = document.body;

  // Time travel: the arrow keys follow the previous and next links.
  document.addEventListener('keydown', function (event) {
    if (event.target && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName)) return;
    var testId = event.key === 'ArrowLeft' ? 'previous' : event.key === 'ArrowRight' ? 'next' : null;
    var link = testId && document.querySelector('a[data-testid="' + testId + '"]');
    if (link) { event.preventDefault(); window.location.href = link.href; }
  });

  // The live log: each new event arrives as one rendered table row.
  var source = body.dataset.liveSource;
  if (source) {
    var rows = document.querySelector('[data-testid="log-rows"]');
    var status = document.querySelector('[data-testid="live-status"]');
    var events = new EventSource(source);
    events.onopen = function () { body.dataset.live = 'connected'; if (status) status.textContent = 'live'; };
    events.onerror = function () { body.dataset.live = 'reconnecting'; if (status) status.textContent = 'reconnecting…'; };
    events.addEventListener('entry', function (message) {
      var entry = JSON.parse(message.data);
      var holder = document.createElement('tbody');
      holder.innerHTML = entry.html;
      var row = holder.firstElementChild;
      if (!row || !rows) return;
      row.classList.add('fresh');
      rows.insertBefore(row, rows.firstElementChild);
      var empty = document.querySelector('[data-testid="log-empty"]');
      if (empty) empty.remove();
      while (rows.children.length > Number(body.dataset.liveLimit || 200)) rows.lastElementChild.remove();
    });
  }

  // Pages that show figures which move (subscribers) reload themselves.
  var refreshMs = Number(body.dataset.refreshMs || 0);
  if (refreshMs > 0) setTimeout(function () { window.location.reload(); }, refreshMs);
})();
`;

// Dashboard behaviour that needs the browser (no inline scripts: a strict CSP comes later).
// - durations with data-since keep counting;
// - an operator alert (suspected live line, IRS voice check) and a transfer sound a tone, flash the title and
//   raise a desktop notification once per alert;
// - the live-connection status line; refusals of operator actions shown as a notice;
// - one key per action on the job board; SSE resumes after the newest event id it saw.
(function () {
  'use strict';
  var seen = new Set();
  var audio = null;
  var baseTitle = document.title;

  function fmt(ms) {
    var s = Math.max(0, ms) / 1000;
    if (s < 10) return (Number.isInteger(s) ? s : s.toFixed(1)) + ' s';
    if (s < 60) return Math.round(s) + ' s';
    var t = Math.round(s), h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), r = t % 60;
    if (h > 0) return h + ' h ' + m + ' min';
    return r === 0 ? m + ' min' : m + ' min ' + r + ' s';
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll('[data-since]').forEach(function (el) {
      var since = Number(el.getAttribute('data-since'));
      if (since > 0) el.textContent = fmt(now - since);
    });
  }

  function tone(frequencies) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var t = audio.currentTime;
      frequencies.forEach(function (f, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = f;
        gain.gain.setValueAtTime(0.2, t + i * 0.25);
        gain.gain.exponentialRampToValueAtTime(0.001, t + i * 0.25 + 0.22);
        osc.connect(gain).connect(audio.destination);
        osc.start(t + i * 0.25);
        osc.stop(t + i * 0.25 + 0.24);
      });
    } catch { /* no audio: the visual alert remains */ }
  }

  function notify(title, body) {
    document.documentElement.setAttribute('data-last-alert', title);
    if (window.Notification && Notification.permission === 'granted' && document.hidden) {
      try { new Notification(title, { body: body }); } catch { /* ignore */ }
    }
  }

  function checkAlerts() {
    var alertBox = document.getElementById('operator-alert');
    var keys = alertBox ? (alertBox.getAttribute('data-alert-keys') || '').split(' ') : [];
    var fresh = keys.filter(function (k) { return k && !seen.has(k); });
    fresh.forEach(function (k) { seen.add(k); });
    if (fresh.length > 0) {
      tone([880, 660, 880]);
      notify('IRS Hold Hunter: an operator is needed', alertBox.textContent.trim().slice(0, 180));
    }
    var win = document.querySelector('[data-notify]');
    if (win && !seen.has(win.getAttribute('data-notify'))) {
      seen.add(win.getAttribute('data-notify'));
      tone([523, 659, 784]);
      notify('IRS Hold Hunter: transferred', win.textContent.trim().slice(0, 180));
    }
    document.title = alertBox ? '(!) ' + baseTitle : baseTitle;
  }

  function status(text) {
    var el = document.getElementById('live-status');
    if (el) el.textContent = text;
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-enable-alerts]');
    if (!button) return;
    tone([660]);
    if (window.Notification && Notification.permission === 'default') Notification.requestPermission();
    button.textContent = 'Sound and notifications are on';
    button.disabled = true;
  });

  // One key per action on the focused line: C confirm live, T transfer now, H hang up; J/K move between lines.
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && target.matches && target.matches('input, select, textarea')) return;
    var row = target && target.closest ? target.closest('tr.line') : null;
    var key = (event.key || '').toLowerCase();
    if (key === 'j' || key === 'k') {
      var rows = Array.prototype.slice.call(document.querySelectorAll('tr.line'));
      if (rows.length === 0) return;
      var at = row ? rows.indexOf(row) : -1;
      var next = rows[Math.max(0, Math.min(rows.length - 1, at + (key === 'j' ? 1 : -1)))];
      if (next) { next.focus(); event.preventDefault(); }
      return;
    }
    if (!row) return;
    var action = { c: 'confirm-', t: 'transfer-', h: 'hangup-' }[key];
    if (!action) return;
    var button = document.getElementById(action + row.getAttribute('data-call'));
    if (button) { button.click(); event.preventDefault(); }
  });

  // The SSE extension re-creates its EventSource after a hard failure, with the page's original URL (and no
  // Last-Event-ID): remember the newest event id and resume after it, so the log is not replayed twice.
  var lastEventId = null;
  if (window.htmx) {
    window.htmx.createEventSource = function (url) {
      var resumed = url;
      if (lastEventId) {
        resumed = /[?&]after=/.test(url)
          ? url.replace(/([?&])after=[^&]*/, '$1after=' + encodeURIComponent(lastEventId))
          : url + (url.indexOf('?') < 0 ? '?' : '&') + 'after=' + encodeURIComponent(lastEventId);
      }
      var source = new EventSource(resumed, { withCredentials: true });
      ['log', 'board'].forEach(function (name) {
        source.addEventListener(name, function (event) {
          if (event.lastEventId) lastEventId = event.lastEventId;
        });
      });
      return source;
    };
  }

  document.addEventListener('htmx:sseOpen', function () { status('Live: updates arrive as they happen.'); });
  document.addEventListener('htmx:sseError', function () { status('Live updates interrupted: reconnecting…'); });
  document.addEventListener('htmx:afterSettle', function () { tick(); checkAlerts(); });
  document.addEventListener('htmx:responseError', function (event) {
    var xhr = event.detail && event.detail.xhr;
    var box = document.getElementById('action-notice');
    if (!box) {
      box = document.createElement('p');
      box.id = 'action-notice';
      box.className = 'banner bad-banner';
      box.setAttribute('role', 'alert');
      var main = document.getElementById('main');
      if (main) main.insertBefore(box, main.firstChild);
    }
    box.textContent = 'Not done: ' + (xhr && xhr.responseText ? xhr.responseText : 'the server refused the request.');
  });
  document.addEventListener('DOMContentLoaded', function () {
    // Alerts already showing when the page loads are announced too.
    checkAlerts();
    tick();
    setInterval(tick, 1000);
    var first = document.getElementById('form-errors');
    if (first) first.focus();
  });
})();

// The analytics page's charts: each <canvas data-chart='{"kind", "labels", "series", "x", "y", "y2"}'> becomes a
// chart.js chart (served by us from node_modules). No inline script, so the page works under a strict CSP; the
// numbers are also in a table under each chart. Marks each canvas data-drawn="true" once drawn (tests look).
(function () {
  'use strict';
  var COLORS = ['#0b4f9c', '#c05a00', '#0a6b2d', '#6a51c9', '#a1161c'];

  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute('data-chart') || '{}');
    } catch {
      return;
    }
    var datasets = (spec.series || []).map(function (s, i) {
      var color = COLORS[i % COLORS.length];
      var dataset = { label: s.label, data: s.data, backgroundColor: spec.kind === 'line' ? color : color + 'cc', borderColor: color, borderWidth: 2, spanGaps: true };
      if (s.kind) dataset.type = s.kind;
      if (s.axis) dataset.yAxisID = s.axis;
      if (spec.kind === 'scatter') dataset.pointRadius = 4;
      if (spec.kind === 'bar' && !s.kind && (spec.labels || []).length === (s.data || []).length && spec.series.length === 1) {
        dataset.backgroundColor = s.data.map(function (_, j) { return COLORS[j % COLORS.length] + 'cc'; });
      }
      return dataset;
    });
    var scales = {};
    if (spec.kind !== 'doughnut') {
      scales.x = { type: spec.kind === 'scatter' ? 'linear' : 'category', title: { display: Boolean(spec.x), text: spec.x || '' } };
      scales.y = { beginAtZero: true, title: { display: Boolean(spec.y), text: spec.y || '' } };
      if (spec.y2) scales.y2 = { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: spec.y2 } };
    }
    // eslint-disable-next-line no-undef
    new Chart(canvas, {
      type: spec.kind,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: { legend: { display: datasets.length > 1 || spec.kind === 'scatter' } },
      },
    });
    canvas.setAttribute('data-drawn', 'true');
  }

  function start() {
    if (typeof window.Chart !== 'function') return;
    document.querySelectorAll('canvas[data-chart]').forEach(draw);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

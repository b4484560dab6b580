// The dashboard's one script (served by the bot; the content security policy allows no other):
// sends the login form, redraws on a new period, explains a tapped cell, fills in the figures
// and draws the charts.
"use strict";
(function () {
  for (const form of document.querySelectorAll("form[data-autosubmit]")) form.submit();
  for (const select of document.querySelectorAll("select[data-autosubmit-change]"))
    select.addEventListener("change", () => select.form.submit());

  // A phone has no hover: a tapped cell's explanation is shown in a bar at the bottom.
  const bar = document.getElementById("explain");
  const explain = (cell) => {
    if (!bar) return;
    if (!cell) {
      bar.hidden = true;
      return;
    }
    const unit = cell.closest("tr")?.querySelector("th")?.textContent?.trim() ?? "";
    bar.textContent = unit ? `${unit}｜${cell.title}` : cell.title;
    bar.hidden = false;
  };
  document.addEventListener("click", (e) => explain(e.target.closest?.("table.matrix td[title]") ?? null));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") explain(null);
    else if (e.key === "Enter" && e.target.matches?.("table.matrix td[title]")) explain(e.target);
  });

  // The figures and charts come from the unit's summary, read after the page (for a city it is
  // the costliest read of the page). Everything is written as text, never as markup.
  const list = document.querySelector("ul[data-summary]");
  if (!list) return;
  const colours = ["#c0392b", "#2e86c1", "#27ae60", "#f39c12", "#8e44ad", "#16a085", "#d35400", "#7f8c8d", "#34495e"];
  const draw = (id, chart, type) => {
    const slot = document.querySelector(`[data-chart-slot="${id}"]`);
    if (!slot || !chart || !chart.series.length || typeof Chart === "undefined") return;
    slot.hidden = false;
    new Chart(document.getElementById(id), {
      type,
      data: {
        labels: chart.months.map((m) => `${Number(m.slice(5))}月`),
        datasets: chart.series.map((s, i) => ({
          label: s.label,
          data: s.data,
          backgroundColor: colours[i % colours.length],
          borderColor: colours[i % colours.length],
          tension: 0.2,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  };
  const say = (lines) =>
    list.replaceChildren(
      ...lines.map((text) => {
        const li = document.createElement("li");
        li.textContent = text;
        return li;
      }),
    );
  fetch(list.dataset.summary, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
    .then((summary) => {
      say(summary.figures.length ? summary.figures : [list.dataset.empty]);
      list.dataset.ready = "1";
      draw("kinds", summary.chart, "bar");
      draw("trend", summary.trend, "line");
    })
    .catch(() => say(["数字汇总暂时读不出来，请刷新页面再试。"]));
})();

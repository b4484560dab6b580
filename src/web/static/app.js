// The dashboard's one script (served by the bot; the content security policy allows no other):
// sends the login form, redraws on a new period, explains a tapped cell, draws the charts.
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
    bar.textContent = unit ? `${unit}｜${cell.dataset.explain}` : cell.dataset.explain;
    bar.hidden = false;
  };
  document.addEventListener("click", (e) => explain(e.target.closest?.("td[data-explain]") ?? null));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") explain(null);
    else if (e.key === "Enter" && e.target.matches?.("td[data-explain]")) explain(e.target);
  });

  if (typeof Chart === "undefined") return;
  const colours = ["#c0392b", "#2e86c1", "#27ae60", "#f39c12", "#8e44ad", "#16a085", "#d35400", "#7f8c8d", "#34495e"];
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const spec = JSON.parse(canvas.dataset.chart);
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s, i) => ({
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
  }
})();

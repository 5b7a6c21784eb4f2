// The series' pages, once loaded: maths typeset by KaTeX, plotly figures drawn from their JSON.
// A classic script (Chromium refuses module scripts from file:// pages); everything it loads is
// in ../assets, so the pages work offline and from any static host.
"use strict";

function typesetMaths() {
  // Markdown cells only: a "$" in printed output or in a figure's text is not maths.
  document.querySelectorAll(".jp-RenderedMarkdown").forEach((cell) =>
    renderMathInElement(cell, {
      // "$$" before "$", or a display formula would be read as two empty inline ones.
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      // A formula KaTeX cannot read stays visible as an error (.katex-error; the site check counts them).
      throwOnError: false,
    }),
  );
}

function drawFigures() {
  document.querySelectorAll(".site-plotly").forEach((output) => {
    const figure = JSON.parse(output.querySelector("script").textContent);
    const plot = document.createElement("div");
    plot.className = "site-plotly-figure";
    output.append(plot);
    Plotly.newPlot(plot, figure.data, figure.layout, { displaylogo: false, responsive: true }).then(
      () => output.querySelector(".site-plotly-png")?.remove(),
    );
  });
}

document.addEventListener("DOMContentLoaded", () => {
  typesetMaths();
  drawFigures();
});

// The dashboard's timeline, drawn by plotly.js's basic bundle (scatter and bar traces, 1.2 MB)
// instead of st.plotly_chart's full plotly.js (4.7 MB): evaluating the full bundle was the
// longest step of a first render (docs/benchmarks.md, "Dashboard speed").
// Streamlit's component protocol: "streamlit:render" messages bring the figure (plotly JSON,
// built by dashboard/charts.py) and the app's theme; a click on an event sends its id back.
(function () {
  "use strict";
  const chart = document.getElementById("chart");
  let drawn = null; // the spec and theme last drawn: a rerun with the same ones draws nothing
  let pending = null; // the latest spec and theme received
  let listening = false;
  let width = 0; // the chart's width when last drawn

  function send(type, data) {
    window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, data), "*");
  }

  // Colours from the app's theme, light or dark, as st.plotly_chart's theme does: plotly's
  // own template (a white plot area) would glare in a dark app. Axes make room for their
  // labels (automargin, as that template did).
  function themed(layout, theme) {
    const text = (theme && theme.textColor) || "#31333F";
    const grid = text + "22";
    const axis = (a) =>
      Object.assign({ gridcolor: grid, linecolor: grid, zeroline: false, automargin: true }, a || {});
    const out = Object.assign({}, layout, {
      template: undefined,
      autosize: true,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: Object.assign({ color: text, family: (theme && theme.font) || "sans-serif" }, layout.font || {}),
      xaxis: axis(layout.xaxis),
      yaxis: axis(layout.yaxis),
      hovermode: layout.hovermode || "closest",
      hoverlabel: {
        align: "left",
        bgcolor: (theme && theme.backgroundColor) || "#fff",
        font: { color: text },
      },
    });
    if (out.xaxis.rangeselector) {
      out.xaxis.rangeselector = Object.assign(
        { bgcolor: grid, activecolor: (theme && theme.primaryColor) || "#888", font: { color: text } },
        out.xaxis.rangeselector,
      );
    }
    return out;
  }

  function clicked(event) {
    const point = event && event.points && event.points[0];
    let id = point && point.customdata;
    if (Array.isArray(id)) id = id[0];
    if (typeof id !== "string") return;
    // "at" makes each click a new value, so a second click on the same event still counts.
    send("streamlit:setComponentValue", { value: { event: id, at: Date.now() }, dataType: "json" });
  }

  function render(args, theme) {
    pending = { args: args, theme: theme };
    if (window.Plotly) draw();
  }

  function draw() {
    const args = pending.args;
    const theme = pending.theme;
    const key = args.spec + JSON.stringify(theme || {});
    if (key === drawn) return;
    drawn = key;
    const figure = JSON.parse(args.spec);
    const layout = themed(figure.layout || {}, theme);
    // The frame takes the figure's height before plotly draws: a frame resized after the
    // chart was drawn made it draw again.
    if (layout.height) send("streamlit:setFrameHeight", { height: layout.height });
    width = chart.clientWidth;
    window.Plotly.react(chart, figure.data || [], layout, { displaylogo: false }).then(function () {
      if (!listening) {
        chart.on("plotly_click", clicked);
        listening = true;
      }
      if (!layout.height) send("streamlit:setFrameHeight", { height: chart.offsetHeight });
    });
  }

  // Redrawn when the frame gets wider or narrower (the window, the sidebar), not when only
  // its height changes: plotly's own "responsive" mode redrew the chart whenever Streamlit
  // set the frame's height.
  window.addEventListener("resize", function () {
    if (!drawn || !window.Plotly || chart.clientWidth === width) return;
    width = chart.clientWidth;
    window.Plotly.Plots.resize(chart);
  });

  window.addEventListener("message", function (event) {
    const message = event.data;
    if (message && message.type === "streamlit:render") render(message.args, message.theme);
  });
  // plotly.js from the app's static files (server.enableStaticServing), which a browser
  // may keep between visits: Streamlit serves a component's own files without a validator,
  // so they are fetched again on every visit. Without static serving that address answers
  // with the app's page, not a script, and this folder's copy is loaded instead.
  const sources = ["../../app/static/timeline/plotly-basic.min.js", "plotly-basic.min.js"];
  function load(k) {
    const script = document.createElement("script");
    script.src = sources[k];
    script.onload = function () {
      if (!window.Plotly && k + 1 < sources.length) load(k + 1);
      else if (pending) draw();
    };
    script.onerror = function () {
      if (k + 1 < sources.length) load(k + 1);
    };
    document.head.appendChild(script);
  }
  // Ready before plotly.js has run: the app sends the figure meanwhile (index.html has
  // already started fetching plotly.js).
  load(0);
  send("streamlit:componentReady", { apiVersion: 1 });
})();

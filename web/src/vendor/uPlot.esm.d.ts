// uPlot's ES module: the gateway serves the package's own build at /assets/vendor/uPlot.esm.js (no
// bundler, no CDN); the browser code imports it by that relative path and its types come from uplot.
import uPlot from 'uplot';
export default uPlot;

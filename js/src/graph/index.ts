// What the JobGraph view (widget.ts) and the JobEditor's canvas (editor/canvas.ts) share: the
// theme, the look of tasks and dependencies, text measuring, moving around the graph.
export { DEFAULT_TASK_COLOR, TASK_COLORS, type Theme, cssVar, luminance, prettyTaskType, readTheme, taskColor } from "./theme";
export {
  FONT_SIZE,
  LARGE_GRAPH,
  MAX_NODE_WIDTH,
  MIN_NODE_WIDTH,
  NODE_HEIGHT,
  TEXT_PADDING,
  TYPE_FONT_SIZE,
  edgeLabelStyle,
  edgeLabelTextStyle,
  edgeLineStyle,
  taskBoxStyle,
} from "./stylesheet";
export { type Point, type Segments, fromSegments, routedEdgeStyle, toSegments } from "./routes";
export { type Box, type NodeBox, type Viewport, boxOf, extentOf, fitViewport, shownIn } from "./first-view";
export { fitText, pluralize, textWidth } from "./text";
export { bindWheelZoom, clamp, fitElements, trackContainerPosition } from "./viewport";

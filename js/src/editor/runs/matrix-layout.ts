// The matrix view's geometry: runs as columns (newest first, as the history), tasks as rows, a
// header of run duration bars and start times above, task names on the left. Pure: the view
// draws the visible part of it on a <canvas> (matrix.ts), so 100 runs x 500 tasks stay fast.
import type { MatrixRow } from "../protocol";
import { stateColor } from "./format";

export interface MatrixOptions {
  /** Width of the task names column (px). */
  labelWidth?: number;
  /** Height of the run header (duration bars and start times), px. */
  headerHeight?: number;
  cellWidth?: number;
  cellHeight?: number;
  gap?: number;
}

export interface MatrixLayout {
  runs: number;
  tasks: number;
  left: number;
  top: number;
  cellWidth: number;
  cellHeight: number;
  gap: number;
  /** The whole content's size (the scroll area). */
  width: number;
  height: number;
  /** Per cell (run-major: index = run * tasks + task): x, y, w, h in content coordinates. */
  rects: Float32Array;
  /** Per cell: its colour's index in `palette` (0: did not run). */
  colors: Uint8Array;
  palette: string[];
}

export type MatrixHit =
  | { kind: "cell"; run: number; task: number }
  | { kind: "run"; run: number }
  | { kind: "task"; task: number }
  | null;

export const EMPTY_CELL = "";

/** The geometry and colours of a matrix of `rows` (runs) by `taskCount` tasks. */
export function layoutMatrix(rows: Pick<MatrixRow, "cells">[], taskCount: number, options: MatrixOptions = {}): MatrixLayout {
  const left = options.labelWidth ?? 180;
  const top = options.headerHeight ?? 96;
  const cellWidth = options.cellWidth ?? 18;
  const cellHeight = options.cellHeight ?? 18;
  const gap = options.gap ?? 2;
  const runs = rows.length;
  const tasks = taskCount;
  const rects = new Float32Array(runs * tasks * 4);
  const colors = new Uint8Array(runs * tasks);
  const palette: string[] = [EMPTY_CELL];
  const index = new Map<string, number>();
  for (let r = 0; r < runs; r++) {
    const cells = rows[r].cells;
    const x = left + r * cellWidth;
    for (let t = 0; t < tasks; t++) {
      const i = r * tasks + t;
      const o = i * 4;
      rects[o] = x;
      rects[o + 1] = top + t * cellHeight;
      rects[o + 2] = cellWidth - gap;
      rects[o + 3] = cellHeight - gap;
      const state = cells[t];
      if (state) {
        let c = index.get(state);
        if (c === undefined) {
          c = palette.length;
          palette.push(stateColor(state));
          index.set(state, c);
        }
        colors[i] = c;
      }
    }
  }
  return {
    runs,
    tasks,
    left,
    top,
    cellWidth,
    cellHeight,
    gap,
    width: left + runs * cellWidth + gap,
    height: top + tasks * cellHeight + gap,
    rects,
    colors,
    palette,
  };
}

/** The cell rectangle of run `run`, task `task` in content coordinates. */
export function cellRect(layout: MatrixLayout, run: number, task: number): { x: number; y: number; w: number; h: number } {
  const o = (run * layout.tasks + task) * 4;
  return { x: layout.rects[o], y: layout.rects[o + 1], w: layout.rects[o + 2], h: layout.rects[o + 3] };
}

/**
 * What is under the point (vx, vy) of the viewport scrolled by (scrollX, scrollY): the header
 * and the names stay in place while the cells scroll under them.
 */
export function hitTest(layout: MatrixLayout, vx: number, vy: number, scrollX = 0, scrollY = 0): MatrixHit {
  if (vx < 0 || vy < 0) return null;
  const inHeader = vy < layout.top;
  const inLabels = vx < layout.left;
  if (inHeader && inLabels) return null;
  const run = Math.floor((vx + scrollX - layout.left) / layout.cellWidth);
  const task = Math.floor((vy + scrollY - layout.top) / layout.cellHeight);
  if (inHeader) return run >= 0 && run < layout.runs ? { kind: "run", run } : null;
  if (inLabels) return task >= 0 && task < layout.tasks ? { kind: "task", task } : null;
  if (run < 0 || run >= layout.runs || task < 0 || task >= layout.tasks) return null;
  // The gap between cells belongs to no cell.
  const dx = vx + scrollX - layout.left - run * layout.cellWidth;
  const dy = vy + scrollY - layout.top - task * layout.cellHeight;
  if (dx > layout.cellWidth - layout.gap || dy > layout.cellHeight - layout.gap) return null;
  return { kind: "cell", run, task };
}

/** The runs and tasks (half-open ranges) showing in a viewport of w x h scrolled by (sx, sy). */
export function visibleRange(
  layout: MatrixLayout,
  w: number,
  h: number,
  sx: number,
  sy: number,
): { run0: number; run1: number; task0: number; task1: number } {
  const run0 = Math.max(0, Math.floor(sx / layout.cellWidth));
  const run1 = Math.min(layout.runs, Math.ceil((sx + Math.max(0, w - layout.left)) / layout.cellWidth) + 1);
  const task0 = Math.max(0, Math.floor(sy / layout.cellHeight));
  const task1 = Math.min(layout.tasks, Math.ceil((sy + Math.max(0, h - layout.top)) / layout.cellHeight) + 1);
  return { run0, run1, task0, task1 };
}

/** The cell width that fits `runs` columns in `available` px, between `min` and `max`. */
export function fitCellWidth(runs: number, available: number, min = 12, max = 28): number {
  if (runs <= 0) return max;
  return Math.max(min, Math.min(max, Math.floor(available / runs)));
}

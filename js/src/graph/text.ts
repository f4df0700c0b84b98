// Text on the graphs: measuring it (cached: a job has few distinct strings per font), fitting it
// with an ellipsis, counted nouns.
import { FONT_SIZE } from "./stylesheet";

export function pluralize(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** One 2D context per font: setting a context's font is slow (it is parsed each time: 1000
 * tasks took 95 ms, not 10), and the editor measures bold labels and plain subtitles in turn. */
const measureContexts = new Map<string, CanvasRenderingContext2D | null>();
/** Widths of short strings seen before (task types, mostly): a job has few distinct ones. */
const widthCache = new Map<string, number>();

function contextFor(font: string): CanvasRenderingContext2D | null {
  let context = measureContexts.get(font);
  if (context === undefined) {
    context = document.createElement("canvas").getContext("2d");
    if (context) context.font = font;
    if (measureContexts.size > 16) measureContexts.clear();
    measureContexts.set(font, context);
  }
  return context;
}

/** Width in pixels of `text` in `fontSize`px `fontFamily` (`weight` "600" for bold labels). */
export function textWidth(text: string, fontSize: number, fontFamily: string, weight = ""): number {
  const font = `${weight ? `${weight} ` : ""}${fontSize}px ${fontFamily}`;
  const context = contextFor(font);
  if (!context) return text.length * fontSize * 0.6;
  const short = text.length <= 32;
  const cached = short ? widthCache.get(`${font}\n${text}`) : undefined;
  if (cached !== undefined) return cached;
  const width = context.measureText(text).width;
  if (short && widthCache.size < 5000) widthCache.set(`${font}\n${text}`, width);
  return width;
}

/** `text` shortened with an ellipsis to fit `width` pixels (as it is when it fits). */
export function fitText(
  text: string,
  width: number,
  fontFamily: string,
  fontSize = FONT_SIZE,
  weight = "",
): string {
  if (textWidth(text, fontSize, fontFamily, weight) <= width) return text;
  let low = 0;
  let high = text.length;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (textWidth(`${text.slice(0, middle)}…`, fontSize, fontFamily, weight) <= width) low = middle;
    else high = middle;
  }
  return `${text.slice(0, low)}…`;
}

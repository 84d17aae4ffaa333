/**
 * Renders an SVG to pixels with resvg (as a browser would draw it, DejaVu fonts from the system),
 * so tests can check what a user sees: which colours sit where.
 */
import { Resvg } from '@resvg/resvg-js';

export interface Raster {
  width: number;
  height: number;
  /** RGBA, row-major. */
  pixels: Uint8Array;
  png: Buffer;
}

export function rasterize(svg: string): Raster {
  const r = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render();
  return { width: r.width, height: r.height, pixels: new Uint8Array(r.pixels), png: r.asPng() };
}

export function hex(color: string): [number, number, number] {
  const n = parseInt(color.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** x columns (ascending, deduplicated) holding a pixel within `tolerance` of `color`, in rows y0..y1. */
export function columnsWithColor(r: Raster, color: string, y0 = 0, y1 = r.height - 1, tolerance = 24): number[] {
  const [cr, cg, cb] = hex(color);
  const cols = new Set<number>();
  for (let y = Math.max(0, y0); y <= Math.min(r.height - 1, y1); y++) {
    for (let x = 0; x < r.width; x++) {
      const i = (y * r.width + x) * 4;
      if (Math.abs(r.pixels[i] - cr) <= tolerance && Math.abs(r.pixels[i + 1] - cg) <= tolerance && Math.abs(r.pixels[i + 2] - cb) <= tolerance) cols.add(x);
    }
  }
  return [...cols].sort((a, b) => a - b);
}

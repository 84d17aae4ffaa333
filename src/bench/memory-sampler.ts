/** Peak resident set size, sampled on a real-time interval and whenever `sample()` is called. */
export interface MemorySampler {
  sample(): void;
  stop(): { baselineRssMb: number; peakRssMb: number; peakHeapUsedMb: number; samples: number };
}

export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function startMemorySampler(intervalMs = 25): MemorySampler {
  const baseline = process.memoryUsage().rss;
  let peakRss = baseline;
  let peakHeap = 0;
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    samples++;
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return { baselineRssMb: mb(baseline), peakRssMb: mb(peakRss), peakHeapUsedMb: mb(peakHeap), samples };
    },
  };
}

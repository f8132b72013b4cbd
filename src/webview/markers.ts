import type { Chart, Plugin } from 'chart.js';
import { epochToX } from './logAxis';

/** A labelled vertical line at an epoch, such as t_train or t_test. */
export interface EpochMarker {
  epoch: number;
  label: string;
  color: string;
}

export interface MarkerSource {
  markers(): readonly EpochMarker[];
  logX(): boolean;
}

const LABEL_PADDING_PX = 4;

/** Draws the markers of `source` over the datasets of one chart; labels sit at the top of the plot area. */
export function markerPlugin(source: MarkerSource): Plugin<'line'> {
  return {
    id: 'grokMarkers',
    afterDatasetsDraw(chart: Chart<'line'>) {
      const scale = chart.scales.x;
      const area = chart.chartArea;
      const ctx = chart.ctx;
      let labelRow = 0;
      for (const marker of source.markers()) {
        const x = scale.getPixelForValue(epochToX(marker.epoch, source.logX()));
        if (!Number.isFinite(x) || x < area.left - 0.5 || x > area.right + 0.5) continue;
        ctx.save();
        ctx.strokeStyle = marker.color;
        ctx.fillStyle = marker.color;
        ctx.lineWidth = 1;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.textBaseline = 'top';
        const width = ctx.measureText(marker.label).width;
        // Labels near the right edge go to the left of their line. Each marker gets its own row, so the labels
        // stay readable when t_train and t_test are close.
        const leftOfLine = x + LABEL_PADDING_PX + width > area.right;
        ctx.textAlign = leftOfLine ? 'right' : 'left';
        const textX = leftOfLine ? x - LABEL_PADDING_PX : x + LABEL_PADDING_PX;
        const lineHeight = (chart.options.font?.size ?? 12) + 2;
        ctx.fillText(marker.label, textX, area.top + LABEL_PADDING_PX + labelRow * lineHeight);
        ctx.restore();
        labelRow += 1;
      }
    },
  };
}

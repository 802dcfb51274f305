import * as React from "react";
import { tokens } from "@fluentui/react-components";
import { barGeometry, type StatusCount } from "../workflows/dashboard";

export interface StatusBarChartProps {
  readonly title: string;
  readonly counts: readonly StatusCount[];
}

const LABEL_WIDTH = 150;
const BAR_WIDTH = 120;
const ROW = 24;

/** Counts by status as plain SVG bars with labels (no chart library); the numbers are also text. */
export const StatusBarChart: React.FC<StatusBarChartProps> = ({ title, counts }) => {
  const bars = barGeometry(counts, BAR_WIDTH, ROW);
  const height = Math.max(ROW, bars.length * ROW);
  return (
    <svg
      role="img"
      aria-label={`${title}：${counts.map((c) => `${c.label} ${c.count}`).join("，")}`}
      width={LABEL_WIDTH + BAR_WIDTH + 40}
      height={height}
      data-testid="dash-chart"
    >
      {bars.map((b) => (
        <g
          key={b.label}
          transform={`translate(0, ${b.y})`}
          data-testid="dash-bar"
          data-label={b.label}
          data-count={b.count}
        >
          <text
            x={LABEL_WIDTH - 6}
            y={ROW / 2 + 4}
            textAnchor="end"
            fontSize="12"
            fill={tokens.colorNeutralForeground1}
          >
            {b.label}
          </text>
          <rect x={LABEL_WIDTH} y={4} width={b.width} height={ROW - 8} fill={tokens.colorBrandBackground} />
          <text
            x={LABEL_WIDTH + b.width + 4}
            y={ROW / 2 + 4}
            fontSize="12"
            fill={tokens.colorNeutralForeground1}
          >
            {b.count}
          </text>
        </g>
      ))}
    </svg>
  );
};

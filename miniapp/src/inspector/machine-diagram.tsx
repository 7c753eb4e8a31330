// The monitor's state machine drawn from the server's own description (MACHINE_STATES), the actor's current state lit.
// A plain SVG: top-level states on a two-column grid, substates inside their parent, one arrow per pair of states.
import type { MachineState } from '../api/api-types.ts';

const COLUMNS = 2;
const BOX_W = 150;
const HEAD_H = 40;
const CHILD_H = 30;
const GAP_X = 40;
const GAP_Y = 44;
const PAD = 10;

interface Box {
  id: string;
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
  final: boolean;
  children: Array<{ id: string; label: string; x: number; y: number; w: number; h: number }>;
}

/** State ids active for a snapshot value: `{ polling: 'waiting' }` → monitor.polling, monitor.polling.waiting. */
export function activeStateIds(value: unknown, prefix: string): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [`${prefix}.${key}`, ...activeStateIds(child, `${prefix}.${key}`)]);
}

/** The top-level state a (possibly nested) state id belongs to. */
function topOf(id: string, rootId: string): string {
  const rest = id.slice(rootId.length + 1).split('.')[0];
  return `${rootId}.${rest}`;
}

function layout(states: readonly MachineState[]): { boxes: Box[]; width: number; height: number; rootId: string } {
  const root = states.find((s) => s.path.length === 0);
  const rootId = root?.id ?? 'monitor';
  const tops = states.filter((s) => s.path.length === 1);
  const boxes: Box[] = [];
  let y = PAD;
  for (let row = 0; row * COLUMNS < tops.length; row++) {
    const rowStates = tops.slice(row * COLUMNS, row * COLUMNS + COLUMNS);
    const heights = rowStates.map(
      (s) => HEAD_H + states.filter((c) => c.path.length === 2 && c.path[0] === s.path[0]).length * (CHILD_H + 6),
    );
    const rowH = Math.max(...heights);
    // A lone state in the last row is centred under the others.
    const indent = rowStates.length < COLUMNS ? ((COLUMNS - rowStates.length) * (BOX_W + GAP_X)) / 2 : 0;
    rowStates.forEach((s, col) => {
      const x = PAD + indent + col * (BOX_W + GAP_X);
      const children = states
        .filter((c) => c.path.length === 2 && c.path[0] === s.path[0])
        .map((c, i) => ({
          id: c.id,
          label: c.path[1] ?? c.id,
          x: x + 10,
          y: y + HEAD_H - 6 + i * (CHILD_H + 6),
          w: BOX_W - 20,
          h: CHILD_H,
        }));
      boxes.push({ id: s.id, label: s.path[0] ?? s.id, x, y, w: BOX_W, h: heights[col] ?? HEAD_H, final: s.type === 'final', children });
    });
    y += rowH + GAP_Y;
  }
  return { boxes, width: PAD * 2 + COLUMNS * BOX_W + (COLUMNS - 1) * GAP_X, height: y - GAP_Y + PAD, rootId };
}

function edgePoint(box: Box, towards: { x: number; y: number }): { x: number; y: number } {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const dx = towards.x - cx;
  const dy = towards.y - cy;
  const scale = Math.min(dx === 0 ? Infinity : box.w / 2 / Math.abs(dx), dy === 0 ? Infinity : box.h / 2 / Math.abs(dy));
  return { x: cx + dx * scale, y: cy + dy * scale };
}

const centre = (b: Box) => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });
const inside = (b: Box, p: { x: number; y: number }) => p.x > b.x && p.x < b.x + b.w && p.y > b.y && p.y < b.y + b.h;

/**
 * The arrow from a to b as a quadratic curve. It bows slightly to its left, so a→b and b→a never overlap, and bows wide
 * when the straight line would pass through another state (it would read as a path through that state).
 */
function edgePath(a: Box, b: Box, others: readonly Box[]): string {
  const ca = centre(a);
  const cb = centre(b);
  const len = Math.hypot(cb.x - ca.x, cb.y - ca.y) || 1;
  const normal = { x: -(cb.y - ca.y) / len, y: (cb.x - ca.x) / len };
  const blocked = others.some((o) =>
    Array.from({ length: 19 }, (_, i) => (i + 1) / 20).some((t) => inside(o, { x: ca.x + (cb.x - ca.x) * t, y: ca.y + (cb.y - ca.y) * t })),
  );
  const bow = blocked ? Math.min(len * 0.55, 130) : 14;
  const control = { x: (ca.x + cb.x) / 2 + normal.x * bow, y: (ca.y + cb.y) / 2 + normal.y * bow };
  const p = edgePoint(a, control);
  const q = edgePoint(b, control);
  return `M${p.x.toFixed(1)} ${p.y.toFixed(1)}Q${control.x.toFixed(1)} ${control.y.toFixed(1)} ${q.x.toFixed(1)} ${q.y.toFixed(1)}`;
}

export function MachineDiagram({ states, value }: { states: readonly MachineState[]; value: unknown }) {
  const { boxes, width, height, rootId } = layout(states);
  const active = new Set(activeStateIds(value, rootId));
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const currentTop = boxes.find((b) => active.has(b.id))?.id;

  const edges = new Map<string, { from: string; to: string }>();
  for (const state of states) {
    if (state.path.length === 0) continue;
    const from = topOf(state.id, rootId);
    for (const transition of state.transitions) {
      for (const target of transition.targets) {
        const to = topOf(target, rootId);
        if (to !== from && byId.has(from) && byId.has(to)) edges.set(`${from}>${to}`, { from, to });
      }
    }
  }

  return (
    <svg viewBox={`0 0 ${width} ${height}`} className="machine" role="img" aria-label="state machine" data-testid="machine-diagram">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0 0L10 5L0 10z" fill="currentColor" />
        </marker>
      </defs>
      {[...edges.values()].map(({ from, to }) => {
        const a = byId.get(from);
        const b = byId.get(to);
        if (!a || !b) return null;
        return (
          <path
            key={`${from}>${to}`}
            d={edgePath(
              a,
              b,
              boxes.filter((o) => o !== a && o !== b),
            )}
            className={from === currentTop ? 'edge edge-active' : 'edge'}
            markerEnd="url(#arrow)"
          />
        );
      })}
      {boxes.map((box) => (
        <g
          key={box.id}
          className={active.has(box.id) ? 'state state-active' : 'state'}
          data-state={box.label}
          data-active={active.has(box.id)}
        >
          <rect x={box.x} y={box.y} width={box.w} height={box.h} rx="10" />
          {box.final && <rect x={box.x + 3} y={box.y + 3} width={box.w - 6} height={box.h - 6} rx="8" className="final-ring" />}
          <text x={box.x + box.w / 2} y={box.y + 24} textAnchor="middle">
            {box.label}
          </text>
          {box.children.map((child) => (
            <g key={child.id} className={active.has(child.id) ? 'substate state-active' : 'substate'} data-active={active.has(child.id)}>
              <rect x={child.x} y={child.y} width={child.w} height={child.h} rx="7" />
              <text x={child.x + child.w / 2} y={child.y + 20} textAnchor="middle">
                {child.label}
              </text>
            </g>
          ))}
        </g>
      ))}
    </svg>
  );
}

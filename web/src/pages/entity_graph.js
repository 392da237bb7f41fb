// The layout of one entity's network, by d3-force: run to rest before anything is drawn, so
// nothing moves on the page. Loaded on the entity's page only (a chunk of its own, fetched by
// import()); it imports nothing else of the application, so no code is shared out of the main
// script. nodes: [{id}], links: [{source, target}] by id; answers each node with x and y inside a
// size × size square (a margin of 30 kept for the labels).
import { forceCenter, forceCollide, forceLink, forceManyBody, forceSimulation } from 'd3-force';

export function layoutNetwork(nodes, links, size) {
  const placed = nodes.map((n) => ({ ...n }));
  const edges = links.map((l) => ({ ...l }));
  const simulation = forceSimulation(placed)
    .force('link', forceLink(edges).id((n) => n.id).distance(60))
    .force('charge', forceManyBody().strength(-220))
    .force('collide', forceCollide(26))
    .force('center', forceCenter(size / 2, size / 2))
    .stop();
  for (let i = 0; i < 300; i++) simulation.tick();
  const clamp = (v) => Math.max(30, Math.min(size - 30, v));
  return placed.map((n) => ({ ...n, x: clamp(n.x), y: clamp(n.y) }));
}

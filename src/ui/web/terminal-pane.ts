/// <reference lib="dom" />
// The terminal pane beside the map (src/ui/web/terminal.ts), loaded after the map has painted.
export function start(_el: HTMLElement, _token: string): void {
  // The terminal pane is not part of this build yet.
}

// Whether printed objects keep metadata.managedFields (kubectl hides them unless --show-managed-fields).
let showManaged = false;

/** --show-managed-fields for the command being run (set per command by the dispatcher). */
export function setShowManagedFields(on: boolean): void {
  showManaged = on;
}

/**
 * kubectl's OmitManagedFieldsPrinter: -o json and -o yaml (and edit, diff) show objects, and a List's items,
 * without metadata.managedFields unless --show-managed-fields is given. jsonpath, templates and custom-columns
 * see them (kubectl wraps only its JSON/YAML printers: `-o jsonpath={.metadata.managedFields}` prints them).
 */
export function omitManagedFields<T>(v: T): T {
  if (showManaged || !v || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const meta = o.metadata as Record<string, unknown> | undefined;
  const items = Array.isArray(o.items) && o.items.some((x) => (x as { metadata?: { managedFields?: unknown } } | null)?.metadata?.managedFields) ? o.items.map(omitManagedFields) : undefined;
  if (!items && !(meta && typeof meta === 'object' && 'managedFields' in meta)) return v;
  const out: Record<string, unknown> = { ...o };
  if (items) out.items = items;
  if (meta && 'managedFields' in meta) {
    const m = { ...meta };
    delete m.managedFields;
    out.metadata = m;
  }
  return out as T;
}

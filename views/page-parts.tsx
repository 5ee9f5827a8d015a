/** Small pieces several dashboard pages share: the outcome notice, the search-and-filter bar, the sync button. */

/** What the last action did (a redirect carries it as `?notice=`); screen readers hear it. */
export function Notice(props: { text?: string | undefined }) {
  return props.text ? (
    <p class="banner demo" role="status" id="notice">
      {props.text}
    </p>
  ) : null;
}

export interface FilterSelect {
  name: string;
  label: string;
  options: [string, string][];
  value: string;
}

/** A search box and one or more selects, as a GET form; `formAttrs` adds e.g. htmx attributes for live filtering. */
export function SearchFilters(props: { action: string; q: string; placeholder: string; select: FilterSelect; more?: FilterSelect[]; formAttrs?: Record<string, string> }) {
  return (
    <form method="get" action={props.action} class="filters" role="search" {...props.formAttrs}>
      <div class="field">
        <label for="q">Search</label>
        <input id="q" name="q" type="search" value={props.q} placeholder={props.placeholder} />
      </div>
      {[props.select, ...(props.more ?? [])].map((select) => (
        <FilterSelectField select={select} />
      ))}
      <button type="submit">Filter</button>
    </form>
  );
}

export function FilterSelectField(props: { select: FilterSelect }) {
  const { select } = props;
  return (
    <div class="field">
      <label for={select.name}>{select.label}</label>
      <select id={select.name} name={select.name}>
        {select.options.map(([value, label]) => (
          <option value={value} selected={select.value === value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Re-reads extensions and queues from RingCentral (POST /extensions/sync, back to `back`). */
export function SyncButton(props: { id: string; back?: string }) {
  return (
    <form method="post" action={`/extensions/sync${props.back ? `?back=${props.back}` : ''}`} class="page-actions">
      <button type="submit" class="secondary" id={props.id}>
        Sync from RingCentral
      </button>
    </form>
  );
}

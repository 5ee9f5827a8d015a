/**
 * RingCentral's page-number paging for list endpoints: the `page`/`perPage` query, the `paging` block
 * (EnumeratedPagingModel) and the `navigation` links (PageNavigationModel). Reusable by any list route.
 *
 * What RingCentral does and this mirrors:
 * - `page` defaults to 1 and must be a positive integer; `perPage` defaults to 100, must be a positive integer,
 *   and values above 1000 are cut to 1000 (API reference, paging models). Anything else is 400 CMN-101.
 * - `pageStart`/`pageEnd` are 0-based indexes of the first and last record on the page, omitted when the
 *   page is empty.
 * - The list `uri` and every navigation link are absolute URLs of the canonical path (real ids, no `~`),
 *   carrying the request's other query parameters and then `page` and `perPage`.
 * - `firstPage` and `lastPage` are always there; `previousPage`/`nextPage` only when that page exists.
 *
 * Judgement calls where the reference is silent: an empty data set still has one (empty) page, so
 * totalPages is 1; a page past the end omits `page`, `pageStart` and `pageEnd` (the reference: "page may be
 * omitted if result is empty because non-existent page was specified") and links only to first and last.
 */
import { invalidParameter } from '../rc-error.ts';

export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 1000;

export interface PageRequest {
  page: number;
  perPage: number;
}

export interface EnumeratedPaging {
  page?: number;
  perPage: number;
  pageStart?: number;
  pageEnd?: number;
  totalPages: number;
  totalElements: number;
}

export interface PageNavigation {
  firstPage: { uri: string };
  nextPage?: { uri: string };
  previousPage?: { uri: string };
  lastPage: { uri: string };
}

export interface PagedList<T> {
  uri: string;
  records: T[];
  paging: EnumeratedPaging;
  navigation: PageNavigation;
}

/** Reads `page` and `perPage` from a query; an absent or empty value takes the default. */
export function parsePageRequest(query: URLSearchParams, defaultPerPage = DEFAULT_PER_PAGE): PageRequest {
  return {
    page: positiveInt(query, 'page') ?? 1,
    perPage: Math.min(positiveInt(query, 'perPage') ?? defaultPerPage, MAX_PER_PAGE),
  };
}

function positiveInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1)) throw invalidParameter(name, raw);
  return value;
}

/**
 * The absolute URL a list's links are built on: `publicUrl` + `path` (canonical, real ids), plus the
 * request's query parameters other than `page` and `perPage`, in their original order.
 */
export function listUrl(publicUrl: string, path: string, requestQuery: URLSearchParams): URL {
  const url = new URL(publicUrl.replace(/\/+$/, '') + path);
  for (const [name, value] of requestQuery) {
    if (name !== 'page' && name !== 'perPage') url.searchParams.append(name, value);
  }
  return url;
}

/** One page of `items` with RingCentral's paging block and navigation links. */
export function paginate<T>(items: readonly T[], request: PageRequest, base: URL): PagedList<T> {
  const { page, perPage } = request;
  const totalElements = items.length;
  const totalPages = Math.max(1, Math.ceil(totalElements / perPage));
  const start = (page - 1) * perPage;
  const records = items.slice(start, start + perPage);
  const link = (n: number) => ({ uri: pageUri(base, n, perPage) });

  // Key order as RingCentral's own replies have it.
  const paging: EnumeratedPaging = {
    ...(page <= totalPages ? { page } : {}),
    totalPages,
    perPage,
    totalElements,
    ...(records.length > 0 ? { pageStart: start, pageEnd: start + records.length - 1 } : {}),
  };
  const navigation: PageNavigation = {
    firstPage: link(1),
    ...(page < totalPages ? { nextPage: link(page + 1) } : {}),
    ...(page > 1 && page <= totalPages ? { previousPage: link(page - 1) } : {}),
    lastPage: link(totalPages),
  };
  return { uri: pageUri(base, page, perPage), records, paging, navigation };
}

function pageUri(base: URL, page: number, perPage: number): string {
  const url = new URL(base);
  url.searchParams.delete('page');
  url.searchParams.delete('perPage');
  url.searchParams.append('page', String(page));
  url.searchParams.append('perPage', String(perPage));
  return url.toString();
}

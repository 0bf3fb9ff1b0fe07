/**
 * A page request. Pages are 1-based, as in Nacos' `pageNo`.
 *
 * Invariants (else `STORAGE_INVALID_ARGUMENT`): `pageNo` is an integer >= 1 and
 * `pageSize` an integer in `1..MAX_PAGE_SIZE`.
 */
export interface PageRequest {
  readonly pageNo: number;
  readonly pageSize: number;
}

/**
 * One page of results, in Nacos' `Page` shape so HTTP handlers can return it as is.
 *
 * Invariants: `pageItems.length <= pageSize`; `pagesAvailable = ceil(totalCount / pageSize)`;
 * a `pageNumber` past the end yields `pageItems: []` with the true `totalCount`.
 */
export interface Page<T> {
  readonly totalCount: number;
  readonly pageNumber: number;
  readonly pagesAvailable: number;
  readonly pageItems: readonly T[];
}

/** The largest page any store hands out. Nacos caps history at 500 and the console at 1000. */
export const MAX_PAGE_SIZE = 1000;

import { describe, expect, it } from 'vitest';
import { listUrl, paginate, parsePageRequest } from '../../../src/simulator/directory/paging.ts';
import { RcError } from '../../../src/simulator/rc-error.ts';
import { loadRcOpenApi, expectConforms } from '../../support/rc-openapi.ts';

const oracle = loadRcOpenApi({ forbidUnknownProperties: true });
const base = listUrl('https://sim.example/', '/restapi/v1.0/account/1/things', new URLSearchParams('a=1&page=4&b=x&a=2'));
const items = Array.from({ length: 7 }, (_, i) => i);

describe('parsePageRequest', () => {
  it('defaults to page 1 of 100 and treats empty values as absent', () => {
    expect(parsePageRequest(new URLSearchParams(''))).toEqual({ page: 1, perPage: 100 });
    expect(parsePageRequest(new URLSearchParams('page=&perPage='))).toEqual({ page: 1, perPage: 100 });
    expect(parsePageRequest(new URLSearchParams(''), 25)).toEqual({ page: 1, perPage: 25 });
  });

  it('caps perPage at 1000 and refuses anything but positive integers with CMN-101', () => {
    expect(parsePageRequest(new URLSearchParams('page=3&perPage=1001'))).toEqual({ page: 3, perPage: 1000 });
    for (const bad of ['page=0', 'page=1e3', 'perPage=+3', 'perPage=0x10', 'perPage=9999999999']) {
      expect(() => parsePageRequest(new URLSearchParams(bad)), bad).toThrow(RcError);
    }
  });
});

describe('listUrl and paginate', () => {
  it('keeps other query parameters in order, repeats included, and drops page/perPage', () => {
    expect(base.toString()).toBe('https://sim.example/restapi/v1.0/account/1/things?a=1&b=x&a=2');
  });

  it('builds the paging block and links of a middle page', () => {
    const page = paginate(items, { page: 2, perPage: 3 }, base);
    expect(page.records).toEqual([3, 4, 5]);
    expect(page.uri).toBe('https://sim.example/restapi/v1.0/account/1/things?a=1&b=x&a=2&page=2&perPage=3');
    expect(page.paging).toEqual({ page: 2, totalPages: 3, perPage: 3, totalElements: 7, pageStart: 3, pageEnd: 5 });
    expect(Object.keys(page.navigation)).toEqual(['firstPage', 'nextPage', 'previousPage', 'lastPage']);
    expect(page.navigation.lastPage.uri).toMatch(/page=3&perPage=3$/);
    expectConforms(oracle.validateSchema('EnumeratedPagingModel', page.paging));
    expectConforms(oracle.validateSchema('PageNavigationModel', page.navigation));
  });

  it('gives an empty data set one empty page without pageStart/pageEnd', () => {
    const page = paginate([], { page: 1, perPage: 100 }, base);
    expect(page.paging).toEqual({ page: 1, totalPages: 1, perPage: 100, totalElements: 0 });
    expect(Object.keys(page.navigation)).toEqual(['firstPage', 'lastPage']);
    expectConforms(oracle.validateSchema('EnumeratedPagingModel', page.paging));
  });

  it('omits page, pageStart and pageEnd past the end, and links first and last only', () => {
    const page = paginate(items, { page: 5000, perPage: 3 }, base);
    expect(page.records).toEqual([]);
    expect(page.paging).toEqual({ totalPages: 3, perPage: 3, totalElements: 7 });
    expect(Object.keys(page.navigation)).toEqual(['firstPage', 'lastPage']);
    expectConforms(oracle.validateSchema('EnumeratedPagingModel', page.paging));
  });
});

/** The query cannot be understood (CKAN "Search Query Error", HTTP 400). */
export class SearchQueryError extends Error {
  constructor(message = "The search failed") {
    super(message);
    this.name = 'SearchQueryError';
  }
}

/** The search could not run (CKAN "Search Error", HTTP 409): e.g. an index built by another tokenizer. */
export class SearchError extends Error {
  constructor(message = "The search failed") {
    super(message);
    this.name = 'SearchError';
  }
}

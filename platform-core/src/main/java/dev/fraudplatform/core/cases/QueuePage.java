package dev.fraudplatform.core.cases;

import java.util.List;

/**
 * @param next  the cursor of the next page, or null on the last
 * @param total how many cases match the query's filters (all pages)
 */
public record QueuePage(List<CaseSummary> cases, String next, long total) {}

package dev.fraudplatform.testkit;

import dev.fraudplatform.core.bus.OutboundRecord;
import dev.fraudplatform.core.ingress.BusCoordinates;

/** A record as a committed reader of the bus sees it, with where it lies (for the bus publisher contracts). */
public record ReadRecord(BusCoordinates at, OutboundRecord record) {}

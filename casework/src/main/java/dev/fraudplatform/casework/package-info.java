/**
 * The case and label plane: the Label Store's intake of admitted label events ({@code labels}), Case Management
 * ({@code cases}), and the investigator's web console ({@code console}). It talks to the substrate through core's
 * ports only ({@code core.labels}, {@code core.cases}, {@code core.bus}).
 */
package dev.fraudplatform.casework;

package dev.fraudplatform.parquet;

import static dev.fraudplatform.parquet.ParquetSchema.optional;
import static dev.fraudplatform.parquet.ParquetSchema.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParquetSchemaTest {
    @Test
    void columnsAreFoundByNameInFileOrder() {
        ParquetSchema s =
                new ParquetSchema(List.of(required("a", ParquetType.VARCHAR), optional("b", ParquetType.DECIMAL)));

        assertThat(s.width()).isEqualTo(2);
        assertThat(s.indexOf("b")).isEqualTo(1);
        assertThat(s.columnNames()).containsExactly("a", "b");
        assertThat(s.columns().get(1).type().sqlName()).isEqualTo("DECIMAL(9,4)");
        assertThatThrownBy(() -> s.indexOf("c")).hasMessageContaining("no column c in [a, b]");
    }

    @Test
    void aColumnDeclaredTwiceOrNoColumnAtAllIsRefused() {
        assertThatThrownBy(() -> new ParquetSchema(
                        List.of(required("a", ParquetType.VARCHAR), optional("a", ParquetType.BIGINT))))
                .hasMessageContaining("column a is declared twice");
        assertThatThrownBy(() -> new ParquetSchema(List.of())).hasMessageContaining("at least one column");
    }
}

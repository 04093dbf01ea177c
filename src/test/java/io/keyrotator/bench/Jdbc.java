package io.keyrotator.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain JDBC for the floor: prepare, bind, run, read every row the server sends. */
final class Jdbc {

    private final Connection connection;

    Jdbc(Connection connection) {
        this.connection = connection;
    }

    /** Runs a query and returns its rows as column maps (every column read, as a mapper would). */
    List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(sql, params);
                ResultSet rows = statement.executeQuery()) {
            List<Map<String, Object>> result = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                Map<String, Object> row = new java.util.HashMap<>();
                for (int c = 1; c <= columns; c++) {
                    row.put(rows.getMetaData().getColumnLabel(c), rows.getObject(c));
                }
                result.add(row);
            }
            return result;
        }
    }

    long single(String sql, Object... params) throws SQLException {
        List<Map<String, Object>> rows = query(sql, params);
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).values().iterator().next()).longValue();
    }

    int update(String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(sql, params)) {
            return statement.executeUpdate();
        }
    }

    void begin(boolean readOnly) throws SQLException {
        connection.setReadOnly(readOnly);
        connection.setAutoCommit(false);
    }

    void commit() throws SQLException {
        connection.commit();
        connection.setAutoCommit(true);
        connection.setReadOnly(false);
    }

    void rollback() throws SQLException {
        if (!connection.getAutoCommit()) {
            connection.rollback();
            connection.setAutoCommit(true);
        }
        connection.setReadOnly(false);
    }

    static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            if (params[i] == null) {
                statement.setNull(i + 1, Types.NULL);
            } else {
                statement.setObject(i + 1, params[i]);
            }
        }
        return statement;
    }
}

extension SQLiteDatabase {
    /// Runs a statement whose bindings were built as an array (the variadic
    /// `run` cannot take one).
    public func run(_ sql: String, bindings: [any SQLiteBindable]) throws(SQLiteError) {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        try statement.runToEnd()
    }
}

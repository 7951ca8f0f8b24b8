import DecantCore
import DecantStorage

extension ObjectStore {
    /// A head that treats a missing bucket like a missing object (rollback
    /// planning and its steps look at buckets that may be gone).
    func headIfPresent(_ bucket: String, _ name: String, generation: Int64? = nil) async throws -> ObjectRecord? {
        switch await Result(catching: { try await headObject(bucket, name, generation: generation) }) {
        case .success(let record): return record
        case .failure(StoreError.notFound): return nil
        case .failure(let error): throw error
        }
    }
}

extension Result where Failure == any Error {
    /// Captures the outcome of an async throwing body (for task-group maps that cannot throw).
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

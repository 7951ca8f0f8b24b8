import DecantCore
import Foundation

/// A bucket IAM policy decant set, with the policy it replaced (etag included).
public struct IAMChangeRow: Hashable, Sendable, Codable {
    public var id: Int64
    public var bucket: String
    public var actionID: ActionID?
    /// The policy before decant's change, as observed (etag included).
    public var previous: IAMPolicy
    /// The policy decant set; its etag once the store answered.
    public var new: IAMPolicy
    public var serial: Int64
    public var changed: Date
    /// False while the `PUT` has not answered (a run cut short in between).
    public var confirmed: Bool
    /// Set once a rollback put `previous` back (or found it back).
    public var restoredSerial: Int64?

    public init(id: Int64, bucket: String, actionID: ActionID?, previous: IAMPolicy, new: IAMPolicy, serial: Int64,
                changed: Date, confirmed: Bool, restoredSerial: Int64?) {
        self.id = id
        self.bucket = bucket
        self.actionID = actionID
        self.previous = previous
        self.new = new
        self.serial = serial
        self.changed = changed
        self.confirmed = confirmed
        self.restoredSerial = restoredSerial
    }
}

/// Counts the elements of every collection inside a value, through its mirror: a value whose
/// count grows while it runs keeps something per event instead of per service.
enum StorageCensus {
    static func elements(in value: Any) -> Int {
        let mirror = Mirror(reflecting: value)
        var count = 0
        switch mirror.displayStyle {
        case .collection?, .dictionary?, .set?: count += mirror.children.count
        default: break
        }
        for child in mirror.children { count += elements(in: child.value) }
        return count
    }
}

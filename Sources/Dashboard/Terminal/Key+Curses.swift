import CNcursesw

/// ncurses function key codes, read once from the shim.
enum CursesKeyCode {
    static let up = UInt32(cncurses_key_up())
    static let down = UInt32(cncurses_key_down())
    static let left = UInt32(cncurses_key_left())
    static let right = UInt32(cncurses_key_right())
    static let pageUp = UInt32(cncurses_key_ppage())
    static let pageDown = UInt32(cncurses_key_npage())
    static let home = UInt32(cncurses_key_home())
    static let end = UInt32(cncurses_key_end())
    static let enter = UInt32(cncurses_key_enter())
    static let backspace = UInt32(cncurses_key_backspace())
    static let delete = UInt32(cncurses_key_dc())
    static let backTab = UInt32(cncurses_key_btab())
    static let resize = UInt32(cncurses_key_resize())
}

extension Key {
    /// Decodes a function key code from `get_wch` (`KEY_UP`, `KEY_RESIZE`, ...); `nil` for keys the board
    /// does not use.
    init?(cursesKeyCode code: UInt32) {
        switch code {
        case CursesKeyCode.up: self = .up
        case CursesKeyCode.down: self = .down
        case CursesKeyCode.left: self = .left
        case CursesKeyCode.right: self = .right
        case CursesKeyCode.pageUp: self = .pageUp
        case CursesKeyCode.pageDown: self = .pageDown
        case CursesKeyCode.home: self = .home
        case CursesKeyCode.end: self = .end
        case CursesKeyCode.enter: self = .enter
        case CursesKeyCode.backspace: self = .backspace
        case CursesKeyCode.delete: self = .delete
        case CursesKeyCode.backTab: self = .backTab
        case CursesKeyCode.resize: self = .resize
        default: return nil
        }
    }

    /// Decodes a character from `get_wch`: Enter arrives as CR (the terminal is in `nonl` mode) or LF,
    /// Backspace as DEL or BS, Ctrl-letter as 1–26.
    init?(cursesCharacter value: UInt32) {
        switch value {
        case 0x0D, 0x0A: self = .enter
        case 0x09: self = .tab
        case 0x1B: self = .escape
        case 0x7F, 0x08: self = .backspace
        case 0x01...0x1A:
            guard let letter = Unicode.Scalar(value + 0x60) else { return nil }
            self = .ctrl(Character(letter))
        case 0x00..<0x20, 0x80..<0xA0:
            return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            self = .char(Character(scalar))
        }
    }
}

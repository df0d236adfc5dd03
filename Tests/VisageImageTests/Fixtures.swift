import Foundation
import VisageImage

/// Tiny image files embedded as base64, with the helpers that describe their contents.
///
/// The PNGs come from `scripts/make_image_fixtures.py` (python3 + zlib, hand-written chunks),
/// each encoding ``Fixtures/pattern(_:_:_:)``. The CMYK JPEG and its expected RGB were made with
/// Pillow 13 (`Image.fromarray(cmyk, "CMYK").save(quality=90)`, then `convert("RGB")`).
enum Fixtures {
    /// The test pattern every fixture encodes: busy enough that any misplaced pixel shows.
    static func pattern(_ x: Int, _ y: Int, _ c: Int) -> UInt8 {
        UInt8((x * 7 + y * 13 + c * 101 + (x ^ y) * 29 + x * x * 3) & 255)
    }

    /// An image whose every sample is ``pattern(_:_:_:)``.
    static func patternImage(width: Int, height: Int, format: PixelFormat) -> Image {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { for c in 0..<format.channels { pixels.append(pattern(x, y, c)) } } }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    /// Decodes a base64 fixture.
    static func bytes(_ base64: String) -> [UInt8] { [UInt8](Data(base64Encoded: base64)!) }

    /// FNV-1a 64-bit hash, to compare outputs against stored Pillow results compactly.
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    static let rgb16 = "iVBORw0KGgoAAAANSUhEUgAAAAUAAAAEEAIAAACZwb5UAAAAh0lEQVR42gF8AIP/AAABZQbKCycgjCXxKlQ/uUQeSYde7GNRaMB9JYKKhwAqEo8X9BwXMXw24Tt+UONVSFp3b9x0QXnqjk+TtJgAVCO5KB4te0LgR0VMNGGZZv5rZ4DMhTGKFJ95pN6pAH404zlIPmtT0Fg1XV5yw3cofFeRvJYhmz6wo7UIuqmlM0uAAnjcAAAAAElFTkSuQmCC"
    static let gray16 = "iVBORw0KGgoAAAANSUhEUgAAAAUAAAAEEAAAAAAzyHbfAAAANElEQVR42mNgYFRXCLFvjztQy6AlJG5YF1Ce/6qPIUS52skkMb1BZD5DnUl2cFxR+ES7DQAYUw4nakcLuQAAAABJRU5ErkJggg=="
    static let grayAlpha8 = "iVBORw0KGgoAAAANSUhEUgAAAAUAAAAECAQAAADsOj3LAAAAN0lEQVR42gEsANP/AABlJ4xUuYfswCUAKo8XfH7jd9zqTwBUuXvgNJlnzBR5AH7ja9Bew1e8PqOobRRdO3KOvAAAAABJRU5ErkJggg=="
    static let grayAlpha16 = "iVBORw0KGgoAAAANSUhEUgAAAAUAAAAEEAQAAAC8quGIAAAAX0lEQVR42gFUAKv/AAABZQYnIIwlVD+5RIde7GPAfSWCACoSjxcXMXw2flDjVXdv3HTqjk+TAFQjuSh7QuBHNGGZZmeAzIUUn3mkAH404zlrU9BYXnLDd1eRvJY+sKO1FVsilXnLnOcAAAAASUVORK5CYII="
    static let rgba8 = "iVBORw0KGgoAAAANSUhEUgAAAAUAAAAECAYAAABGM/VAAAAAW0lEQVR42mNgSD2lr97zMSxkp1xz+5vAbQdUu94zaPV/iRSveehW99hjbfkdx2Wv/LdIMoBUVD9wXWUy819y+hnDaSKV95wZQCqyL5jOijus0Ru+R7HNbjFHLgCHUidJbpsTRgAAAABJRU5ErkJggg=="
    static let palette4 = "iVBORw0KGgoAAAANSUhEUgAAAAUAAAAEBAMAAAC0HehzAAAAMFBMVEUA/wAQ7wcg3w4wzxVAvxxQryNgnypwjzGAfziQbz+gX0awT03AP1TQL1vgH2LwD2mp4hopAAAAAnRSTlMAgJsrThgAAAAYSURBVHjaY2B3Z2BY/nwBg7e7A8Pr5w8AJJQGAbniWRAAAAAASUVORK5CYII="
    static let interlacedRGB8 = "iVBORw0KGgoAAAANSUhEUgAAAAkAAAAHCAIAAAEi/sChAAAA0ElEQVR42mNgSD31wHUVwwHVLoYVvEUNT7063gYxhOyUc1nJx/An8RhL5jkQz2TmP5HKeyqd74AMkPAdx2VXLOc98VwHZDCo93xsfxP4P+Vk/5dIhuoHrulnDIN3yOZfsWQ4bzJTf8rP/Sqd/lskGZQ73vKX3BSuuAsUYtDq/yJe87DusUf5HcdX/lveh+zMu2xR/8STK/8KA1A0+4Jp3GGN8D2Kdos5nFfw+m2WiD+iCRRhuGQ+B2icWvcH+ZaXq/hL1otU6k3+Yb+Ec5N4DQAKf18E9P0CqgAAAABJRU5ErkJggg=="
    static let gray1 = "iVBORw0KGgoAAAANSUhEUgAAAAkAAAAHAQAAAADy4FrNAAAADUlEQVR42mMIZWDAQAAZpgJUZeSzTAAAAABJRU5ErkJggg=="
    static let interlacedGray4 = "iVBORw0KGgoAAAANSUhEUgAAAAkAAAAHBAAAAAFNB+UrAAAAOklEQVR42mNgAIKGBgYXhiMMLi4ODGdcDjCU/2fYbs/w/z+DvT3D8ufr3y9geP388fsHDPr5698rAACLlhQ1f2YZ6wAAAABJRU5ErkJggg=="
    static let cmykJPEG = "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwADAgIDAgIDAwMDBAMDBAUIBQUEBAUKBwcGCAwKDAwLCgsLDQ4SEA0OEQ4LCxAWEBETFBUVFQwPFxgWFBgSFBUU/8AAFAgACAAIBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwDuNPjb4q+OPDl1458JXEXxBuLS61CO3E119u0zT5IYreO6ntAqArLJexwkhXWLZKzuHiuUXH1z4I3yeHviBHH42t9f03V7SBp7hrJrebVJYjL5aLHvYRqivKWYuCSqALL5pLc14E/aE+F2gXNhHDp2saH4e0G+RdHuItY8+G3tbuQf2g4ja2eV1REuCVkd3cXk4jYE25X7Q/aA/aA/4VZ9p/0nyfLz/Fiv/9k="
    static let cmykExpectedRGB = "/p8113IRr0fdeRC1Q9p0Bp45sFfzdgmo12wN5n4cfx+9gSS0EqpBEJxBkyyycRmhrUvbgx++wmAAkiu7z3cjkDzEq1wRciKbhRu+jTC+kDnCkTzBmUvGmkS3fjaoci2QVvaONLZfAow0qlQIZxmJLJNQnF4gYyaBMMtjOM5uu2cLsV0TNqdhMpJTbzgFWixuAZg8z3IPG5lJrmIbGn07fkYSDlIkSCME2noO1Hcjw3MkBWwnAFgfc0QXTy8PNh0E"
}

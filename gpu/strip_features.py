"""Copies a d2llm teacher score cache (TeacherScoreCache) without its feature vectors: each record is the 32-byte
content key, the score (float32) and the feature length (int32, little-endian) followed by that many float32s; the
copy keeps keys and scores with length 0, a tenth of the size or less, so the scores travel where the features
cannot (distillation without feature imitation, --eta 0, reads them).
    python3 gpu/strip_features.py IN OUT"""
import struct
import sys


def main(src, dst):
    records = 0
    with open(src, "rb") as f, open(dst, "wb") as g:
        while True:
            head = f.read(40)
            if len(head) < 40:
                break
            n = struct.unpack_from("<i", head, 36)[0]
            if len(f.read(4 * n)) < 4 * n:
                break  # a torn last record, as the cache itself drops it
            g.write(head[:36] + struct.pack("<i", 0))
            records += 1
    print(f"teacher_scores records={records} file={dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

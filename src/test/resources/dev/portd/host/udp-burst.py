# Sends COUNT datagrams to HOST PORT back to back from one socket, then counts the replies until
# all came or none came for 3 seconds (20 s at most). Prints "source=ADDR sent=N replies=M".
import socket, sys, time

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((host, port))
for i in range(count):
    s.send(b'burst %d' % i)
replies = 0
s.settimeout(3.0)
deadline = time.monotonic() + 20
while replies < count and time.monotonic() < deadline:
    try:
        s.recv(2048)
        replies += 1
    except socket.timeout:
        break
print('source=%s sent=%d replies=%d' % (s.getsockname()[0], count, replies))
